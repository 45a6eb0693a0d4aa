//! Printing the applicant's receipt where the clerk can hold it: a page model
//! ([`doc`]), a PDF of it ([`pdf`], with a Chinese font found on the system: [`font`]),
//! sent through the clerk's own terminal by ZMODEM ([`zmodem`]) or to an office printer
//! through the server's print queue ([`lp`]), or as an HTML page ([`html`]). What goes on
//! the page is [`crate::receipt`]'s; the wizard decides when and where.

pub mod doc;
pub mod font;
pub mod html;
pub mod lp;
pub mod pdf;
pub mod strings;
pub mod zmodem;
