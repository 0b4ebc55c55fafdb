//! The people register.

use suqiu_core::access::Actor;
use suqiu_core::person::{CareTag, Person};
use suqiu_core::Id;

use crate::error::Result;
use crate::{Page, Store};

/// Filters of `GET /api/v1/people`.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    /// Matches name (substring) or phone (digits, substring).
    pub q: Option<String>,
    /// Subtree of this node (must itself be in scope, else no rows).
    pub org_unit_id: Option<Id>,
    pub tag: Option<CareTag>,
    pub page: i64,
    pub per_page: i64,
}

impl Store {
    /// Inserts `person` (its `id` is ignored) and returns it with its id.
    /// `Invalid{field:"org_unit_id"}` for an unknown node.
    pub async fn create_person(&self, person: &Person) -> Result<Person> {
        let _ = person;
        todo!()
    }
    /// A person whose node is in the actor's subtree (volunteers: appellants of their tasks).
    pub async fn person(&self, actor: &Actor, id: Id) -> Result<Option<Person>> {
        let _ = (actor, id);
        todo!()
    }
    /// Replaces the stored person (same id) if in scope; NotFound otherwise.
    pub async fn update_person(&self, actor: &Actor, person: &Person) -> Result<Person> {
        let _ = (actor, person);
        todo!()
    }
    pub async fn list_people(&self, actor: &Actor, filter: &PeopleFilter) -> Result<Page<Person>> {
        let _ = (actor, filter);
        todo!()
    }
    /// Bulk insert for the demo generator: one transaction, ids returned in order.
    pub async fn insert_people_bulk(&self, people: &[Person]) -> Result<Vec<Id>> {
        let _ = people;
        todo!()
    }
}
