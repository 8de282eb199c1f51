//! Lays out formulas covering the constructs of issue 18 and writes each as
//! SVG, with an HTML page showing them all, to a folder:
//! `cargo run --release --example math_gallery -- OUT_DIR`.

use trang::diag::Diagnostics;
use trang::fonts::FontSet;
use trang::math::layout::{Align, Context, Placement, layout};
use trang::math::{Display, svg::svg, tex::Converter};

const FORMULAS: &[(&str, bool)] = &[
    ("x^2 + y^2 = z^2", false),
    ("a_i^2 + b_{ij} - c^{n+1}_{k}", false),
    ("e^{i\\pi} + 1 = 0", false),
    ("\\frac{a}{b} + \\frac{1}{2}", false),
    ("\\frac{a+b}{c-d} = \\frac{x^2}{y_1}", true),
    ("\\dfrac{1}{2} \\tfrac{1}{2} \\binom{n}{k}", true),
    ("\\sqrt{2} + \\sqrt{x^2+y^2} + \\sqrt[3]{x}", true),
    ("\\sqrt{\\frac{a}{b}} = \\sqrt{\\frac{1+x}{1-x}}", true),
    ("\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}", true),
    ("\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}", false),
    (
        "\\int_0^1 f(x)\\,dx \\quad \\iint_D g \\quad \\oint_C \\omega",
        true,
    ),
    ("\\prod_{p} \\frac{1}{1-p^{-s}}", true),
    ("\\lim_{x \\to 0} \\frac{\\sin x}{x} = 1", true),
    ("\\lim_{x \\to 0} \\frac{\\sin x}{x} = 1", false),
    ("\\left( \\frac{a}{b} \\right) + (x)", true),
    (
        "\\left[ \\sum_{k=0}^{\\infty} \\frac{x^k}{k!} \\right]",
        true,
    ),
    ("\\left\\{ x \\middle| x > 0 \\right\\}", true),
    (
        "\\big( \\Big( \\bigg( \\Bigg( x \\Bigg) \\bigg) \\Big) \\big)",
        true,
    ),
    ("\\left\\langle \\psi \\middle| \\phi \\right\\rangle", true),
    (
        "\\hat{x} + \\bar{y} + \\vec{v} + \\tilde{n} + \\dot{a}",
        true,
    ),
    ("\\widehat{xyz} + \\overline{a+b} + \\underline{c}", true),
    ("\\overrightarrow{AB} + \\overleftarrow{CD}", true),
    ("\\underbrace{a + b + c}_{n} = \\overbrace{x + y}^{2}", true),
    (
        "\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix} \\begin{bmatrix} 1 & 0 \\\\ 0 & 1 \\end{bmatrix}",
        true,
    ),
    (
        "\\det \\begin{vmatrix} a_{11} & a_{12} & a_{13} \\\\ a_{21} & a_{22} & a_{23} \\\\ a_{31} & a_{32} & a_{33} \\end{vmatrix}",
        true,
    ),
    (
        "f(x) = \\begin{cases} x^2 & \\text{nếu } x \\ge 0 \\\\ -x & \\text{ngược lại} \\end{cases}",
        true,
    ),
    (
        "\\begin{aligned} a &= b + c \\\\ d + e &= f \\end{aligned}",
        true,
    ),
    ("\\begin{gathered} x = 1 \\\\ y = 22 \\end{gathered}", true),
    ("E = mc^2 \\tag{1}", true),
    ("\\begin{align} a &= b \\\\ c &= d + e \\end{align}", true),
    ("\\mathrm{H_2O} + \\mathbf{v} \\cdot \\mathbb{R}^n", false),
    (
        "\\alpha \\beta \\gamma \\Gamma \\Delta \\theta \\pi \\omega",
        false,
    ),
    ("\\text{Định lý Pythagore: } a^2 + b^2 = c^2", true),
    (
        "a \\le b \\ne c \\approx d \\Rightarrow e \\in F \\subseteq G",
        false,
    ),
    ("-x + (-y) \\times z \\pm 1", false),
    ("f'(x) = \\lim_{h \\to 0} \\frac{f(x+h) - f(x)}{h}", true),
    ("\\frac{1}{1 + \\frac{1}{1 + \\frac{1}{x}}}", true),
    ("x^{y^{z}} \\quad x_{y_{z}} \\quad {x^2}^2", false),
    ("\\phantom{xx} x \\, y \\; z \\quad w \\qquad v", false),
    (
        "\\max_{i} a_i + \\min_j b_j + \\log x + \\sin^2 \\theta",
        true,
    ),
    (
        "\\vec{F} = m \\vec{a}, \\quad \\nabla \\cdot \\vec{E} = \\frac{\\rho}{\\varepsilon_0}",
        true,
    ),
    ("{}^{14}_{6}\\mathrm{C}", false),
    (
        "\\left( \\begin{matrix} 1 \\\\ 2 \\\\ 3 \\\\ 4 \\\\ 5 \\\\ 6 \\end{matrix} \\right\\} \\left\\{ \\begin{matrix} a \\\\ b \\\\ c \\\\ d \\end{matrix} \\right| \\left[ \\frac{\\frac{a}{b}}{\\frac{c}{d}} \\right]",
        true,
    ),
    (
        "\\sqrt{\\begin{matrix} a \\\\ b \\\\ c \\\\ d \\end{matrix}} \\quad \\underbrace{a + b + c + d + e + f + g + h}_{\\text{tám số}}",
        true,
    ),
    (
        "\\overrightarrow{ABCDEFGHIJ} \\quad \\widehat{ABCDEFG}",
        true,
    ),
];

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/math_gallery".to_string());
    std::fs::create_dir_all(&out).expect("create the output folder");
    let mut diags = Diagnostics::default();
    let fonts = FontSet::load(&FontSet::bundled_dir(), &mut diags).expect("bundled fonts");
    let mut html = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>\
         body{font:10.5pt serif;width:30em;margin:1em}div{border-bottom:1px solid #ddd;padding:4px 0}\
         code{font-size:7pt;color:#666}</style></head><body>\n",
    );
    let mut converter = Converter::new();
    for (i, (tex, display)) in FORMULAS.iter().enumerate() {
        let d = if *display {
            Display::Block
        } else {
            Display::Inline
        };
        let formula = match converter.convert(tex, d) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("{tex}: {e:?}");
                continue;
            }
        };
        let placement = display.then_some(Placement {
            measure: 315.0,
            align: Align::Center,
        });
        let ctx = Context::new(&fonts, 10.5, placement).expect("math face");
        let b = layout(&formula, &ctx);
        let s = svg(&b, &ctx, &formula.text);
        let name = format!("{i:02}.svg");
        std::fs::write(format!("{out}/{name}"), &s).expect("write svg");
        if *display {
            html.push_str(&format!("<div><code>{i:02} {tex}</code><br>{s}</div>\n"));
        } else {
            html.push_str(&format!(
                "<div><code>{i:02} {tex}</code><br>Text before {s} text after.</div>\n"
            ));
        }
    }
    html.push_str("</body></html>\n");
    std::fs::write(format!("{out}/index.html"), html).expect("write html");
    println!("{} formulas → {out}/index.html", FORMULAS.len());
}
