//! Fallback faces in the EPUB: the characters the book's families lack are
//! drawn, in the PDF, by the faces [`crate::fallback`] chooses; the EPUB
//! embeds subsets of the same faces and names them in its `font-family`
//! stacks after the role's family, so a reading system draws those
//! characters alike. Emoji faces are left out: reading systems draw emoji
//! themselves (in colour).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::fonts::{Face, FontSet, Role, Style};

use super::subset::{Embedded, package_face};
use super::usage::Usage;

/// Subsets of the fallback faces `usage` needs, and their family names in
/// the order of the fallback list (for the CSS stacks).
pub fn embed(
    fonts: &FontSet,
    usage: &Usage,
    taken: &[Embedded],
) -> Result<(Vec<Embedded>, Vec<String>), Diagnostic> {
    // (Face file, index in a collection) → (face, characters).
    let mut faces: BTreeMap<(std::path::PathBuf, u32), (Arc<Face>, BTreeSet<char>)> =
        BTreeMap::new();
    let mut buf = [0u8; 4];
    for (&(role, style), chars) in usage {
        // Formulas have no fallback: the math face draws them all.
        if role == Role::Math {
            continue;
        }
        let own = fonts.face(role, style);
        for &c in chars {
            if c.is_whitespace() || c.is_control() || own.covers(c) {
                continue;
            }
            for run in crate::fallback::runs(fonts, role, style, c.encode_utf8(&mut buf)) {
                if run.missing || Arc::ptr_eq(&run.face, own) || fonts.fallback.is_emoji(&run.face)
                {
                    continue;
                }
                faces
                    .entry((run.face.path.clone(), run.face.index))
                    .or_insert_with(|| (Arc::clone(&run.face), BTreeSet::new()))
                    .1
                    .insert(c);
            }
        }
    }
    // The document's own families are embedded already (by `subset`).
    faces.retain(|_, (face, _)| {
        !fonts
            .slots()
            .any(|(_, _, f)| Arc::ptr_eq(f, face) || f.path == face.path)
    });
    let mut out = Vec::new();
    let mut families = Vec::new();
    for ((path, index), (face, chars)) in faces {
        let (href, media_type, data) = package_face(&face, &path, index, &chars, |h| {
            taken.iter().chain(&out).any(|e| e.href == h)
        })
        .map_err(|why| {
            Diagnostic::error(format!(
                "cannot subset fallback font `{}`: {why}",
                path.display()
            ))
            .help("pass --no-system-fonts, or --fonts with a set covering these characters")
        })?;
        if !families.contains(&face.family) {
            families.push(face.family.clone());
        }
        out.push(Embedded {
            href,
            media_type,
            data,
            family: face.family.clone(),
            // One regular face: readers synthesise bold and italic.
            slots: vec![(Role::Body, Style::REGULAR)],
        });
    }
    Ok((out, families))
}
