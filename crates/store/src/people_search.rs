//! Finding a person to pick: the person pickers' search and the intake's "this phone is
//! already on the register". Both read only the actor's scope (the condition is part of
//! the query, not a filter after it) and return a few rows, never the register.

use suqiu_core::access::Actor;
use suqiu_core::person::{PartyCategory, Person};
use suqiu_core::Id;

use crate::care::on_register;
use crate::error::Result;
use crate::people::{person_from, PERSON_COLUMNS};
use crate::sql::{get, like_escape, Args};
use crate::{scope, Store};

/// Most words of a search that are matched (the rest are ignored).
const MAX_WORDS: usize = 5;

/// Whom a picker offers of the people the actor may read: a form that picks only some
/// people (a pairing: someone in care; a service registration: an in-service party
/// member) lists and searches only those. It only ever narrows the actor's scope.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Among {
    #[default]
    Everyone,
    /// People on the care register the actor may read (as `care_register` lists them).
    InCare,
    /// Party members whose category is 在职报到 (the only ones who may register).
    InServiceParty,
}

impl Among {
    /// The code a picker sends to the lookup ("" for everyone).
    pub fn code(self) -> &'static str {
        match self {
            Among::Everyone => "",
            Among::InCare => "care",
            Among::InServiceParty => "party",
        }
    }

    pub fn parse(code: &str) -> Option<Among> {
        [Among::Everyone, Among::InCare, Among::InServiceParty]
            .into_iter()
            .find(|a| a.code() == code)
    }

    /// The condition on `people p` (besides the scope), if any.
    pub(crate) fn condition(self, actor: &Actor, a: &mut Args) -> Option<String> {
        match self {
            Among::Everyone => None,
            Among::InCare => Some(format!(
                "{} AND {}",
                scope::care_people(actor, a),
                on_register()
            )),
            Among::InServiceParty => Some(format!(
                "p.party_category = {}",
                a.push(PartyCategory::InService.code())
            )),
        }
    }
}

impl Store {
    /// At most `limit` people of the actor's scope (of `node`'s subtree when given, only
    /// those `among` picks) that match every word of `q`: each word is found in the name or
    /// the address, or — a word of digits — in the phone (a phone's tail). Exact names
    /// first, then by name.
    pub async fn search_people(
        &self,
        actor: &Actor,
        q: &str,
        (node, among): (Option<Id>, Among),
        limit: i64,
    ) -> Result<Vec<Person>> {
        let words: Vec<&str> = q.split_whitespace().take(MAX_WORDS).collect();
        if words.is_empty() || limit <= 0 {
            return Ok(Vec::new());
        }
        let mut a = Args::default();
        let Some(mut conds) = self.people_scope(actor, (node, among), &mut a).await? else {
            return Ok(Vec::new());
        };
        for word in &words {
            let like = a.push(format!("%{}%", like_escape(word)));
            let mut any = format!(
                "p.name LIKE {like} ESCAPE '\\' OR COALESCE(p.address, '') LIKE {like} ESCAPE '\\'"
            );
            // Only a word that is all digits is a phone: "3号楼" must not match every phone
            // with a 3 in it.
            let digits: String = word.chars().filter(|c| *c != '-').collect();
            if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
                any.push_str(&format!(
                    " OR p.phone LIKE {}",
                    a.push(format!("%{digits}%"))
                ));
            }
            conds.push(format!("({any})"));
        }
        let exact = a.push(q.trim().to_string());
        let limit = a.push(limit);
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM people p WHERE {} \
             ORDER BY CASE WHEN p.name = {exact} THEN 0 ELSE 1 END, p.name, p.id LIMIT {limit}",
            conds.join(" AND ")
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(person_from).collect()
    }

    /// At most `limit` people of the actor's scope whose phone is `phone` (normalized, as
    /// `validate_phone` returns it): one household phone may be several people's.
    pub async fn people_with_phone(
        &self,
        actor: &Actor,
        phone: &str,
        limit: i64,
    ) -> Result<Vec<Person>> {
        let mut a = Args::default();
        let Some(mut conds) = self
            .people_scope(actor, (None, Among::Everyone), &mut a)
            .await?
        else {
            return Ok(Vec::new());
        };
        conds.push(format!("p.phone = {}", a.push(phone.trim())));
        let limit = a.push(limit);
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM people p WHERE {} ORDER BY p.id LIMIT {limit}",
            conds.join(" AND ")
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(person_from).collect()
    }

    /// Every distinct address on the register of `node`'s subtree that the actor may read:
    /// the buildings a care team's block is picked from and checked against. All of them,
    /// not a first page of people (a large register's buildings would be missed).
    pub async fn register_addresses(&self, actor: &Actor, node: Id) -> Result<Vec<String>> {
        let mut a = Args::default();
        let Some(conds) = self
            .people_scope(actor, (Some(node), Among::Everyone), &mut a)
            .await?
        else {
            return Ok(Vec::new());
        };
        let sql = format!(
            "SELECT DISTINCT p.address AS address FROM people p \
             WHERE {} AND p.address IS NOT NULL AND p.address <> '' ORDER BY p.address",
            conds.join(" AND ")
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(|row| get(row, "address")).collect()
    }
}
