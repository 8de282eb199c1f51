//! Document metadata: the Info dictionary and the XMP packet, both derived
//! only from [`DocInfo`] (no clock, no random ids).

use super::fonts::text_string;
use super::standard::Standards;
use crate::frame::DocInfo;
use lopdf::{Dictionary, Object};

/// Civil date and time (UTC) of a Unix timestamp:
/// (year, month, day, hour, minute, second).
pub(crate) fn civil(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400) as u32;
    // Howard Hinnant's days-from-civil inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, rem / 3600, rem / 60 % 60, rem % 60)
}

/// `D:YYYYMMDDHHmmSSZ`, the PDF date format, in UTC.
pub(crate) fn pdf_date(secs: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("D:{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z")
}

/// `YYYY-MM-DDTHH:mm:SSZ`, the XMP date format, in UTC.
pub(crate) fn xmp_date(secs: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// The document Info dictionary.
pub(crate) fn info_dict(info: &DocInfo) -> Dictionary {
    let mut d = Dictionary::new();
    let mut set = |k: &str, v: &str| {
        if !v.is_empty() {
            d.set(k, text_string(v));
        }
    };
    set("Title", &info.title);
    set("Author", &info.authors.join(", "));
    set("Subject", info.subject.as_deref().unwrap_or(""));
    set("Keywords", &info.keywords.join(", "));
    set("Creator", &info.producer);
    set("Producer", &info.producer);
    let date = Object::string_literal(pdf_date(info.created));
    d.set("CreationDate", date.clone());
    d.set("ModDate", date);
    d
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn rdf_list(kind: &str, items: &[&str], lang: bool) -> String {
    let attr = if lang { " xml:lang=\"x-default\"" } else { "" };
    let lis: String = items
        .iter()
        .map(|i| format!("<rdf:li{attr}>{}</rdf:li>", esc(i)))
        .collect();
    format!("<rdf:{kind}>{lis}</rdf:{kind}>")
}

/// The XMP metadata packet. `doc_id` is a UUID derived from the content;
/// `standards` adds the identification of the standards claimed.
pub(crate) fn xmp(info: &DocInfo, doc_id: &str, standards: &Standards) -> String {
    let date = xmp_date(info.created);
    let mut props = vec!["<dc:format>application/pdf</dc:format>".to_owned()];
    let mut prop = |name: &str, value: String| props.push(format!("<{name}>{value}</{name}>"));
    if !info.title.is_empty() {
        prop("dc:title", rdf_list("Alt", &[&info.title], true));
    }
    if !info.authors.is_empty() {
        let joined = info.authors.join(", ");
        let authors: Vec<&str> = if standards.pdfa.is_some() {
            // PDF/A: the Info dictionary's `/Author` is one text and
            // `dc:creator[1]` must equal it (ISO 19005-2 §6.6.3; PDF
            // Association TN 0003 §3.3).
            vec![joined.as_str()]
        } else {
            info.authors.iter().map(String::as_str).collect()
        };
        prop("dc:creator", rdf_list("Seq", &authors, false));
    }
    if let Some(subject) = info.subject.as_deref().filter(|s| !s.is_empty()) {
        prop("dc:description", rdf_list("Alt", &[subject], true));
    }
    if !info.keywords.is_empty() {
        let keywords: Vec<&str> = info.keywords.iter().map(String::as_str).collect();
        prop("dc:subject", rdf_list("Bag", &keywords, false));
        prop("pdf:Keywords", esc(&info.keywords.join(", ")));
    }
    if !info.lang.is_empty() {
        prop("dc:language", rdf_list("Bag", &[&info.lang], false));
    }
    if !info.producer.is_empty() {
        prop("pdf:Producer", esc(&info.producer));
        prop("xmp:CreatorTool", esc(&info.producer));
    }
    prop("xmp:CreateDate", date.clone());
    prop("xmp:ModifyDate", date.clone());
    prop("xmp:MetadataDate", date);
    prop("xmpMM:DocumentID", format!("uuid:{doc_id}"));
    prop("xmpMM:InstanceID", format!("uuid:{doc_id}"));
    format!(
        "{XMP_HEAD}{}{}{XMP_TAIL}",
        description(&props),
        identification(standards)
    )
}

/// The packet up to the first description.
const XMP_HEAD: &str = "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
     <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
     <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n";
/// The packet after the last description.
const XMP_TAIL: &str = "</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"r\"?>";

/// The description holding the document's properties.
fn description(props: &[String]) -> String {
    format!(
        "<rdf:Description rdf:about=\"\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" \
         xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" \
         xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\">\n{}\n\
         </rdf:Description>\n",
        props.join("\n")
    )
}

/// The `pdfaid` (ISO 19005-2 §6.6.4) and `pdfuaid` (ISO 14289-1 §5)
/// identification, and under PDF/A the extension schema that declares
/// `pdfuaid` (ISO 19005-2 §6.6.2.3.2: `pdfaid` is PDF/A's own, `pdfuaid`
/// is not in XMP 2004). Empty without a standard.
fn identification(standards: &Standards) -> String {
    let mut out = String::new();
    if let Some(a) = standards.pdfa {
        out.push_str(&format!(
            "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n\
             <pdfaid:part>{}</pdfaid:part>\n<pdfaid:conformance>{}</pdfaid:conformance>\n\
             </rdf:Description>\n",
            a.part,
            a.conformance()
        ));
    }
    if standards.ua1 {
        out.push_str(
            "<rdf:Description rdf:about=\"\" xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n\
             <pdfuaid:part>1</pdfuaid:part>\n</rdf:Description>\n",
        );
        if standards.pdfa.is_some() {
            out.push_str(PDFUAID_SCHEMA);
        }
    }
    out
}

/// The PDF/A extension schema description of `pdfuaid` (ISO 19005-2
/// §6.6.2.3; the text of ISO 14289-1's own example).
const PDFUAID_SCHEMA: &str = "<rdf:Description rdf:about=\"\" \
xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" \
xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n\
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n\
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\n\
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\n\
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\n\
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\n\
<pdfaProperty:name>part</pdfaProperty:name>\n\
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>\n\
<pdfaProperty:category>internal</pdfaProperty:category>\n\
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>\n\
</rdf:li></rdf:Seq></pdfaSchema:property>\n\
</rdf:li></rdf:Bag></pdfaExtension:schemas>\n</rdf:Description>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(pdf_date(0), "D:19700101000000Z");
        assert_eq!(pdf_date(1_700_000_000), "D:20231114221320Z");
        assert_eq!(xmp_date(951_782_400), "2000-02-29T00:00:00Z");
    }
}
