//! # suqiu-core
//!
//! The domain of a community appeal station (诉求站) with no IO: organization and roles,
//! people, appeals and their closed-loop lifecycle (decide → events → apply), time limits
//! on a working-day calendar, and the measures a district ranks its streets by.
//! Everything here is deterministic: time comes in as an argument.

pub mod appeal;
pub mod labels;

/// Database identifiers.
pub type Id = i64;
pub mod access;
pub mod accounts;
pub mod board;
pub mod calendar;
pub mod care;
pub mod category;
pub mod display;
pub mod error;
pub mod figures;
pub mod gazetteer;
pub mod lifecycle;
pub mod measures;
pub mod notice;
pub mod open311;
pub mod org;
pub mod outbound;
pub mod password;
pub mod person;
pub mod photo;
pub mod policy;
pub mod privacy;
pub mod problem;
pub mod public;
pub mod ranking;
pub mod report;
pub mod roster;
pub mod suggest;
pub mod tracking;
pub mod validate;
pub mod watch;
// Care and resources (党内关爱): the aid fund and the love supermarket.
pub mod fund;
pub mod supermarket;
// Micro-wishes (微心愿) and in-service party members' service (在职党员报到).
pub mod service;
pub mod wishes;
