//! The demo district: Songjiang District (松江区) with its streets, towns, communities,
//! departments and demo accounts, and realistic synthetic appeals at any scale.

pub mod care;
pub mod corpus;
pub mod district;
pub mod fund;
pub mod load;
pub mod service;
pub mod simulate;
