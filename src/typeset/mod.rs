//! Typesetting algorithms that work on abstract measurements rather than on
//! fonts: the shaping and page code feed them widths and read back decisions.

pub mod linebreak;
