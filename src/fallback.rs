//! Font fallback: the one decision of which face draws each piece of text.
//!
//! As browsers and Typst do it, text is cut into grapheme clusters (UAX #29,
//! extended: a base with its combining marks, variation selectors, ZWJ
//! sequences and skin-tone modifiers stays one cluster), and each cluster
//! is drawn by the first face that covers every character of it, in this
//! order:
//!
//! 1. the face of the text's role and style;
//! 2. the document's other families in the same style (body, heading, code);
//! 3. the bundled fallback faces, in `fonts.toml`'s `[[fallback]]` order,
//!    emoji faces last;
//!
//! except that a cluster asking for emoji presentation (U+FE0F, a ZWJ
//! sequence, a skin-tone modifier, a flag, a keycap, or a character of the
//! emoji planes U+1F000–U+1FAFF) tries the emoji faces first, as browsers
//! do (Source Code Pro has a text ❤, but ❤️ asks for the emoji);
//! 4. the fonts installed on the machine (found with `fontdb`), unless
//!    `--no-system-fonts`; they are read only when a cluster needs them.
//!
//! Neighbouring clusters with the same face form one [`Run`], shaped as
//! one piece. Spaces, controls and default-ignorable characters need no
//! glyph of their own and stay in the run around them.
//!
//! The typesetter ([`crate::typeset`]), the coverage gate
//! ([`crate::coverage`]) and the EPUB's font subsets ([`crate::epub`]) all
//! call [`runs`], so they agree on the face of every character. Coverage
//! answers are cached per (face, character): a document its families cover
//! costs one cached look-up per new word.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use read_fonts::{FontRef, TableProvider};
use serde::Deserialize;
use unicode_segmentation::UnicodeSegmentation;

use crate::fonts::{Face, Files, FontSet, Role, Style};

/// One `[[fallback]]` entry of `fonts.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FallbackSpec {
    /// Family name.
    pub family: String,
    /// The file, relative to the font folder.
    pub file: PathBuf,
    /// Whether the face draws emoji (tried first for emoji clusters; not
    /// embedded in the EPUB, whose reading systems draw emoji themselves).
    #[serde(default)]
    pub emoji: bool,
}

/// A face the fallback may choose, with what kind it is.
#[derive(Clone, Debug)]
pub struct FallbackFace {
    /// The face.
    pub face: Arc<Face>,
    /// A face of emoji.
    pub emoji: bool,
    /// Found on the machine rather than bundled.
    pub system: bool,
}

/// (face address, character) → covered.
type CoverageCache = HashMap<(usize, char), bool, foldhash::fast::FixedState>;

/// The fallback faces of a font set and what was decided with them.
#[derive(Debug)]
pub struct Fallback {
    files: Files,
    specs: Vec<FallbackSpec>,
    /// The bundled fallback faces, read on first need (shared by the
    /// forks of a font set, [`Fallback::fork`]), and the notes on those
    /// that could not be read.
    bundled: Arc<OnceLock<(Vec<FallbackFace>, Vec<String>)>>,
    /// Whether the machine's fonts may be used.
    system_allowed: bool,
    /// The machine's fonts, scanned on first need (shared by the forks).
    system: Arc<OnceLock<System>>,
    state: Mutex<State>,
}

/// What the fallback learnt while the document was set.
#[derive(Debug, Default)]
struct State {
    coverage: CoverageCache,
    /// Cluster text → the system face drawing it (None: no face covers it).
    system_choice: HashMap<(Role, String), Option<Arc<Face>>>,
    /// System face file → (family, characters it drew).
    system_used: BTreeMap<PathBuf, (String, BTreeSet<char>)>,
    /// Notes for `--verbose`: faces that could not be used.
    skipped: BTreeSet<String>,
}

/// A stretch of text drawn by one face.
#[derive(Clone, Debug)]
pub struct Run {
    /// Byte range in the text given to [`runs`].
    pub range: Range<usize>,
    /// The face drawing it.
    pub face: Arc<Face>,
    /// No face at all covers some character of the run (it is drawn with
    /// `face` as best it can; the coverage gate reports it).
    pub missing: bool,
}

/// The machine's fonts, in a fixed order per role (regular upright first,
/// then the faces of the role's genre — serif for body text, sans serif for
/// headings, monospaced for code, by family name —, then by file and
/// index), so that the same machine always gives the same choice.
struct System {
    db: fontdb::Database,
    /// The search order for each role (index: [`genre_index`]).
    orders: [Vec<fontdb::ID>; 3],
    /// Loaded faces by (file, index); None when unusable.
    loaded: Mutex<HashMap<fontdb::ID, Option<Arc<Face>>>>,
}

impl std::fmt::Debug for System {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "System({} faces)", self.orders[0].len())
    }
}

impl Fallback {
    /// The fallback list `specs` (read from `files` when first needed),
    /// with the machine's fonts allowed.
    pub fn new(files: Files, specs: Vec<FallbackSpec>) -> Fallback {
        Fallback {
            files,
            specs,
            bundled: Arc::default(),
            system_allowed: true,
            system: Arc::default(),
            state: Mutex::new(State::default()),
        }
    }

    /// The same fallback for another document: the faces read so far (and
    /// the machine's scanned fonts) are shared, what was decided with them
    /// starts afresh. An archive build reads them once for all documents.
    pub fn fork(&self) -> Fallback {
        Fallback {
            files: self.files.clone(),
            specs: self.specs.clone(),
            bundled: Arc::clone(&self.bundled),
            system_allowed: self.system_allowed,
            system: Arc::clone(&self.system),
            state: Mutex::new(State::default()),
        }
    }

    /// Allows or forbids the machine's fonts (`--no-system-fonts`).
    pub fn set_system_fonts(&mut self, allowed: bool) {
        self.system_allowed = allowed;
    }

    /// Whether the machine's fonts may be used.
    pub fn system_allowed(&self) -> bool {
        self.system_allowed
    }

    /// Fallback faces of the manifest that could not be loaded (when the
    /// text needed them), one message each.
    pub fn problems(&self) -> Vec<String> {
        self.bundled
            .get()
            .map(|(_, left_out)| left_out.clone())
            .unwrap_or_default()
    }

    /// How many installed faces covered a missing cluster but could not be
    /// loaded.
    pub fn skipped_system_faces(&self) -> usize {
        self.lock()
            .skipped
            .iter()
            .filter(|s| s.starts_with("system font"))
            .count()
    }

    /// The bundled fallback faces, loading them on first call. A face that
    /// fails to load is left out (and named by [`Fallback::problems`]).
    pub fn bundled(&self) -> &[FallbackFace] {
        &self
            .bundled
            .get_or_init(|| {
                let mut out = Vec::new();
                let mut left_out = Vec::new();
                for spec in &self.specs {
                    match crate::fonts::load_face(
                        &self.files,
                        &spec.family,
                        Role::Body,
                        Style::REGULAR,
                        &spec.file,
                        0,
                    ) {
                        Ok(face) => out.push(FallbackFace {
                            face: Arc::new(face),
                            emoji: spec.emoji,
                            system: false,
                        }),
                        Err(e) => left_out.push(format!(
                            "fallback face `{}` left out: {}",
                            spec.family, e.message
                        )),
                    }
                }
                (out, left_out)
            })
            .0
    }

    /// Whether `face` is a bundled emoji face (never reads the bundled
    /// faces: if they are not loaded yet, no face drawn so far is one).
    pub fn is_emoji(&self, face: &Arc<Face>) -> bool {
        self.bundled
            .get()
            .into_iter()
            .flat_map(|(faces, _)| faces)
            .any(|f| f.emoji && Arc::ptr_eq(&f.face, face))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// One line per system face the document used: its family, its file
    /// and the characters it drew (these make the output depend on the
    /// machine it was built on).
    pub fn system_report(&self) -> Vec<String> {
        self.lock()
            .system_used
            .iter()
            .map(|(path, (family, chars))| {
                let list: String = chars
                    .iter()
                    .map(|c| format!("{c} U+{:04X}", u32::from(*c)))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("system font {family} ({}) drew {list}", path.display())
            })
            .collect()
    }

    /// The machine's fonts (scanned on first call).
    fn system(&self) -> &System {
        self.system.get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            let orders = [Role::Body, Role::Heading, Role::Code].map(|role| {
                let mut order: Vec<(bool, u16, bool, PathBuf, u32, fontdb::ID)> = db
                    .faces()
                    .map(|f| {
                        let path = match &f.source {
                            fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => p.clone(),
                            fontdb::Source::Binary(_) => PathBuf::new(),
                        };
                        let family = f.families.first().map_or("", |n| n.0.as_str());
                        (
                            f.style != fontdb::Style::Normal,
                            f.weight.0.abs_diff(400),
                            !of_genre(role, family, f.monospaced),
                            path,
                            f.index,
                            f.id,
                        )
                    })
                    .collect();
                order.sort_by(|a, b| (a.0, a.1, a.2, &a.3, a.4).cmp(&(b.0, b.1, b.2, &b.3, b.4)));
                order.into_iter().map(|o| o.5).collect()
            });
            System {
                db,
                orders,
                loaded: Mutex::new(HashMap::new()),
            }
        })
    }

    /// The first system face covering every character of `chars`, loaded.
    fn system_face(&self, role: Role, cluster: &str, chars: &[char]) -> Option<Arc<Face>> {
        if !self.system_allowed {
            return None;
        }
        let key = (role, cluster.to_string());
        if let Some(found) = self.lock().system_choice.get(&key) {
            return found.clone();
        }
        let system = self.system();
        let mut found = None;
        let order = &system.orders[genre_index(role)];
        for &id in order {
            let covers = system
                .db
                .with_face_data(id, |data, index| {
                    let font = FontRef::from_index(data, index).ok()?;
                    let cmap = font.cmap().ok()?;
                    Some(
                        chars
                            .iter()
                            .all(|&c| cmap.map_codepoint(c).is_some_and(|g| g.to_u32() != 0)),
                    )
                })
                .flatten()
                .unwrap_or(false);
            if !covers {
                continue;
            }
            if let Some(face) = self.load_system(system, id) {
                found = Some(face);
                break;
            }
        }
        let mut state = self.lock();
        if let Some(face) = &found {
            let entry = state
                .system_used
                .entry(face.path.clone())
                .or_insert_with(|| (face.family.clone(), BTreeSet::new()));
            entry.1.extend(chars.iter().copied());
        }
        state.system_choice.insert(key, found.clone());
        found
    }

    /// The system face `id` as a [`Face`], or None (noted) if the loader
    /// cannot use it (for now: collections and CFF outlines).
    fn load_system(&self, system: &System, id: fontdb::ID) -> Option<Arc<Face>> {
        let mut loaded = system.loaded.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(face) = loaded.get(&id) {
            return face.clone();
        }
        let info = system.db.face(id)?;
        let family = info
            .families
            .first()
            .map_or_else(|| info.post_script_name.clone(), |f| f.0.clone());
        let path = match &info.source {
            fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => p.clone(),
            fontdb::Source::Binary(_) => PathBuf::from("<memory>"),
        };
        let face = system
            .db
            .with_face_data(id, |data, index| {
                Face::from_data(
                    &family,
                    Role::Body,
                    Style::REGULAR,
                    path.clone(),
                    Arc::new(data.to_vec().into()),
                    index,
                )
            })
            .and_then(|r| match r {
                Ok(face) => Some(Arc::new(face)),
                Err(e) => {
                    self.lock().skipped.insert(format!(
                        "system font {family} ({}) skipped: {}",
                        path.display(),
                        e.message
                    ));
                    None
                }
            });
        loaded.insert(id, face.clone());
        face
    }
}

/// Whether `c` needs no glyph of its own: spaces, controls and
/// default-ignorable characters (ZWJ, variation selectors…).
fn neutral(c: char) -> bool {
    c.is_whitespace() || c.is_control() || crate::coverage::is_default_ignorable(c)
}

/// Whether a cluster asks for an emoji: a presentation selector, a ZWJ
/// sequence, a skin-tone modifier, a flag, a keycap, or a character of the
/// emoji planes.
fn wants_emoji(cluster: &str) -> bool {
    cluster.chars().any(|c| {
        matches!(u32::from(c),
            0xFE0F | 0x200D | 0x20E3 | 0x1F3FB..=0x1F3FF | 0x1F1E6..=0x1F1FF | 0x1F000..=0x1FAFF)
    })
}

fn covered(cache: &mut CoverageCache, face: &Arc<Face>, c: char) -> bool {
    *cache
        .entry((Arc::as_ptr(face) as usize, c))
        .or_insert_with(|| face.covers(c))
}

/// Cuts `text`, set in `role` and `style`, into runs of one face each (see
/// the module documentation for the order faces are tried in).
pub fn runs(fonts: &FontSet, role: Role, style: Style, text: &str) -> Vec<Run> {
    let primary = fonts.face(role, style);
    let fallback = &fonts.fallback;
    {
        let mut state = fallback.lock();
        if text
            .chars()
            .all(|c| neutral(c) || covered(&mut state.coverage, primary, c))
        {
            return vec![Run {
                range: 0..text.len(),
                face: Arc::clone(primary),
                missing: false,
            }];
        }
    }
    // The document's families in this style, the role's own first.
    let mut families: Vec<&Arc<Face>> = vec![primary];
    for r in [Role::Body, Role::Heading, Role::Code] {
        let f = fonts.face(r, style);
        if !families.iter().any(|g| Arc::ptr_eq(g, f)) {
            families.push(f);
        }
    }
    let mut out: Vec<Run> = Vec::new();
    let mut visible: Vec<char> = Vec::new();
    for (start, cluster) in text.grapheme_indices(true) {
        let range = start..start + cluster.len();
        visible.clear();
        visible.extend(cluster.chars().filter(|&c| !neutral(c)));
        let (face, missing) = if visible.is_empty() {
            // A space or a control joins the run before it when that face
            // has the glyph (else the role's face draws it).
            match out.last() {
                Some(last)
                    if cluster.chars().all(|c| {
                        c.is_control() || covered(&mut fallback.lock().coverage, &last.face, c)
                    }) =>
                {
                    (Arc::clone(&last.face), false)
                }
                _ => (Arc::clone(primary), false),
            }
        } else {
            choose(fallback, role, &families, cluster, &visible)
        };
        match out.last_mut() {
            Some(last) if Arc::ptr_eq(&last.face, &face) && last.missing == missing => {
                last.range.end = range.end;
            }
            _ => out.push(Run {
                range,
                face,
                missing,
            }),
        }
    }
    out
}

/// The face for one cluster with visible characters `visible`; `true`
/// when no face covers them all (then the face covering its first visible
/// character, or the role's face).
fn choose(
    fallback: &Fallback,
    role: Role,
    families: &[&Arc<Face>],
    cluster: &str,
    visible: &[char],
) -> (Arc<Face>, bool) {
    let emoji_first = wants_emoji(cluster);
    // The document's families first, before the bundled faces are even
    // read (a character one family lacks, another often has).
    if !emoji_first && let Some(face) = first_covering(fallback, families, visible) {
        return (face, false);
    }
    let bundled = fallback.bundled();
    let emoji = bundled.iter().filter(|f| f.emoji).map(|f| &f.face);
    let others = bundled.iter().filter(|f| !f.emoji).map(|f| &f.face);
    let candidates: Vec<&Arc<Face>> = if emoji_first {
        emoji
            .chain(families.iter().copied())
            .chain(others)
            .collect()
    } else {
        families
            .iter()
            .copied()
            .chain(others)
            .chain(emoji)
            .collect()
    };
    if let Some(face) = first_covering(fallback, &candidates, visible) {
        return (face, false);
    }
    if let Some(face) = fallback.system_face(role, cluster, visible) {
        return (face, false);
    }
    let partial = first_covering(fallback, &candidates, &visible[..1])
        .unwrap_or_else(|| Arc::clone(families[0]));
    (partial, true)
}

/// The first of `faces` covering every character of `chars`.
fn first_covering(fallback: &Fallback, faces: &[&Arc<Face>], chars: &[char]) -> Option<Arc<Face>> {
    let mut state = fallback.lock();
    let cache = &mut state.coverage;
    faces
        .iter()
        .find(|f| chars.iter().all(|&c| covered(cache, f, c)))
        .map(|f| Arc::clone(f))
}

/// The characters of `text` no face draws, with their byte offsets: in
/// each run that misses some, the visible characters that no face covers
/// even on their own.
pub fn missing(fonts: &FontSet, role: Role, style: Style, text: &str) -> Vec<(usize, char)> {
    let mut out = Vec::new();
    for run in runs(fonts, role, style, text) {
        if !run.missing {
            continue;
        }
        for (i, c) in text[run.range.clone()].char_indices() {
            let mut buf = [0u8; 4];
            if !neutral(c)
                && !run.face.covers(c)
                && runs(fonts, role, style, c.encode_utf8(&mut buf))
                    .iter()
                    .any(|r| r.missing)
            {
                out.push((run.range.start + i, c));
            }
        }
    }
    out
}

/// The index of `role` in [`System`]'s orders.
fn genre_index(role: Role) -> usize {
    match role {
        Role::Body | Role::Math => 0,
        Role::Heading => 1,
        Role::Code => 2,
    }
}

/// Whether a system family suits `role`, judged from its name as fontconfig
/// users do: "Serif" (not "Sans Serif") for body text, "Sans" for headings,
/// "Mono"/monospaced for code. Only an ordering preference: any face covering
/// the characters is still used.
fn of_genre(role: Role, family: &str, monospaced: bool) -> bool {
    let name = family.to_ascii_lowercase();
    let mono = monospaced || name.contains("mono");
    let sans = name.contains("sans");
    match role {
        Role::Body | Role::Math => {
            !mono && !sans && (name.contains("serif") || name.contains("ming"))
        }
        Role::Heading => !mono && sans,
        Role::Code => mono,
    }
}
