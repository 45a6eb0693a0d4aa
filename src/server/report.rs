//! The monthly report (filled in below).
