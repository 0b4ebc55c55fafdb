//! The demo district: Songjiang District (松江区) with its streets, towns, communities,
//! departments and demo accounts, and realistic synthetic appeals at any scale.

pub mod care;
pub mod corpus;
pub mod district;
pub mod fund;
pub mod load;
pub mod service;
pub mod simulate;

use anyhow::{Context as _, Result};
use suqiu_core::access::Actor;
use suqiu_core::person::{Gender, Person};
use suqiu_core::Id;
use suqiu_store::Store;

/// A demo account as the actor it signs in as: who enters the care, fund and service demos.
async fn account(store: &Store, username: &str) -> Result<Actor> {
    let (user, _) = store
        .user_for_login(username)
        .await?
        .with_context(|| format!("demo account {username} missing"))?;
    store
        .actor(user.id)
        .await?
        .with_context(|| format!("demo account {username} has no node"))
}

/// Someone the care and service demos put on a register at `org_unit_id`: no birth date, ID
/// number, tags or party profile until the caller adds them.
fn resident(name: &str, gender: Gender, phone: String, org_unit_id: Id, address: String) -> Person {
    Person {
        id: 0,
        name: name.into(),
        gender: Some(gender),
        birth_date: None,
        phone: Some(phone),
        id_number: None,
        org_unit_id,
        address: Some(address),
        tags: vec![],
        party: None,
    }
}
