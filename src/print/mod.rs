//! Printing the applicant's receipt where the clerk can hold it: a page model
//! ([`doc`]), a PDF of it ([`pdf`], with a Chinese font found on the system: [`font`]),
//! sent through the clerk's own terminal by ZMODEM ([`zmodem`]) or to an office printer
//! through the server's print queue ([`lp`]). Library code only: the wizard decides when.

pub mod doc;
pub mod font;
pub mod lp;
pub mod pdf;
pub mod strings;
pub mod zmodem;
