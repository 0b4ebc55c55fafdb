//! The people register.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use suqiu_core::access::Actor;
use suqiu_core::error::NAME_EMPTY;
use suqiu_core::msg;
use suqiu_core::person::{CareTag, Gender, PartyCategory, PartyProfile, Person};
use suqiu_core::Id;

use crate::dialect::{self, insert_rows};
use crate::error::{Result, StoreError, ORG_UNIT_MISSING};
use crate::org::require_org_unit;
use crate::people_search::Among;
use crate::sql::{
    date_text, get, get_json, get_opt_code, get_opt_date, get_time, invalid, like_escape, ms,
    paging, to_json, Arg, Args,
};
use crate::{scope, Page, Store};

/// Who registered a person and who last changed it, when (`None`: not recorded, for rows
/// from before these were kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonTrail {
    pub created_at: DateTime<Utc>,
    /// (user id, display name).
    pub created_by: Option<(Id, String)>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<(Id, String)>,
}

/// Filters of `GET /api/v1/people`.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    /// Matches name (substring) or phone (digits, substring).
    pub q: Option<String>,
    /// Subtree of this node (must itself be in scope, else no rows).
    pub org_unit_id: Option<Id>,
    pub tag: Option<CareTag>,
    /// Only the people a picker of this kind offers.
    pub among: Among,
    pub page: i64,
    pub per_page: i64,
}

pub(crate) const PERSON_COLUMNS: &str =
    "p.id, p.name, p.gender, p.birth_date, p.phone, p.id_number, p.org_unit_id, p.address, \
     p.tags, p.party_category, p.party_joined_on, p.party_branch";

/// The `tags` column of a person row.
pub(crate) fn parse_tags(row: &AnyRow) -> Result<Vec<CareTag>> {
    let codes: Vec<String> = get_json(row, "tags")?;
    codes
        .iter()
        .map(|t| {
            CareTag::parse(t)
                .ok_or_else(|| StoreError::Corrupt(format!("column tags: unknown tag {t:?}")))
        })
        .collect()
}

pub(crate) fn person_from(row: &AnyRow) -> Result<Person> {
    let tags = parse_tags(row)?;
    let party = match get_opt_code(row, "party_category", PartyCategory::parse)? {
        None => None,
        Some(category) => Some(PartyProfile {
            category,
            joined_on: get_opt_date(row, "party_joined_on")?,
            branch: get(row, "party_branch")?,
        }),
    };
    Ok(Person {
        id: get(row, "id")?,
        name: get(row, "name")?,
        gender: get_opt_code(row, "gender", Gender::parse)?,
        birth_date: get_opt_date(row, "birth_date")?,
        phone: get(row, "phone")?,
        id_number: get(row, "id_number")?,
        org_unit_id: get(row, "org_unit_id")?,
        address: get(row, "address")?,
        tags,
        party,
    })
}

/// The stored columns of a person, in `PERSON_WRITE_COLUMNS` order (without id and times).
fn person_args(p: &Person, org_path: &str) -> Result<Vec<Arg>> {
    let tags: Vec<&str> = p.tags.iter().map(|t| t.code()).collect();
    Ok(vec![
        p.name.clone().into(),
        p.gender.map(|g| g.code()).into(),
        p.birth_date.map(date_text).into(),
        p.phone.clone().into(),
        p.id_number.clone().into(),
        p.org_unit_id.into(),
        org_path.into(),
        p.address.clone().into(),
        to_json(&tags)?.into(),
        p.party.as_ref().map(|x| x.category.code()).into(),
        p.party
            .as_ref()
            .and_then(|x| x.joined_on)
            .map(date_text)
            .into(),
        p.party.as_ref().and_then(|x| x.branch.clone()).into(),
    ])
}

const PERSON_WRITE_COLUMNS: [&str; 12] = [
    "name",
    "gender",
    "birth_date",
    "phone",
    "id_number",
    "org_unit_id",
    "org_path",
    "address",
    "tags",
    "party_category",
    "party_joined_on",
    "party_branch",
];

fn check(p: &Person) -> Result<()> {
    if p.name.trim().is_empty() {
        return Err(invalid("name", &NAME_EMPTY));
    }
    Ok(())
}

/// Replaces the person's rows in `people_tags` (the index behind the `tag` filter).
async fn write_tags(conn: &mut AnyConnection, id: Id, tags: &[CareTag]) -> Result<()> {
    sqlx::query("DELETE FROM people_tags WHERE person_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let mut seen = Vec::new();
    for t in tags {
        if seen.contains(t) {
            continue;
        }
        seen.push(*t);
        sqlx::query("INSERT INTO people_tags (person_id, tag) VALUES ($1, $2)")
            .bind(id)
            .bind(t.code())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Inserts `person` (its `id` is ignored) on `conn`, the caller's transaction, recording
/// who registered it; returns its id. `Invalid{field:"org_unit_id"}` for an unknown node.
pub(crate) async fn insert_person(
    conn: &mut AnyConnection,
    person: &Person,
    by: Option<Id>,
) -> Result<Id> {
    let path = require_org_unit(conn, person.org_unit_id).await?;
    let mut a = Args::default();
    let values: Vec<String> = person_args(person, &path)?
        .into_iter()
        .map(|v| a.push(v))
        .collect();
    let now = ms(Utc::now());
    let sql = format!(
        "INSERT INTO people ({}, created_at, updated_at, created_by, updated_by) \
         VALUES ({}, {}, {}, {}, {}) RETURNING id",
        PERSON_WRITE_COLUMNS.join(", "),
        values.join(", "),
        a.push(now),
        a.push(now),
        a.push(by),
        a.push(by)
    );
    let row = a.query(&sql).fetch_one(&mut *conn).await?;
    let id: Id = get(&row, "id")?;
    write_tags(conn, id, &person.tags).await?;
    Ok(id)
}

/// The person in `actor`'s scope with exactly this name and phone (the oldest, should the
/// register hold two), read on `conn`.
pub(crate) async fn find_by_name_and_phone(
    conn: &mut AnyConnection,
    actor: &Actor,
    name: &str,
    phone: &str,
) -> Result<Option<Person>> {
    let mut a = Args::default();
    let sql = format!(
        "SELECT {PERSON_COLUMNS} FROM people p WHERE p.phone = {} AND p.name = {} AND {} \
         ORDER BY p.id LIMIT 1",
        a.push(phone),
        a.push(name),
        scope::people(actor, &mut a)
    );
    let row = a.query(&sql).fetch_optional(&mut *conn).await?;
    row.as_ref().map(person_from).transpose()
}

impl Store {
    /// Inserts `person` (its `id` is ignored) and returns it with its id, its creator not
    /// recorded (demo data, tests). `Invalid{field:"org_unit_id"}` for an unknown node.
    pub async fn create_person(&self, person: &Person) -> Result<Person> {
        self.create_person_by(person, None).await
    }

    /// Inserts `person` as [`Store::create_person`] does, recording who registered it.
    pub async fn create_person_by(&self, person: &Person, by: Option<Id>) -> Result<Person> {
        check(person)?;
        let mut tx = self.writer.begin().await?;
        let id = insert_person(&mut tx, person, by).await?;
        tx.commit().await?;
        Ok(Person {
            id,
            ..person.clone()
        })
    }

    /// A person whose node is in the actor's subtree (volunteers: appellants of their tasks;
    /// liaisons: appellants of appeals referred to their department).
    pub async fn person(&self, actor: &Actor, id: Id) -> Result<Option<Person>> {
        let mut a = Args::default();
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM people p WHERE p.id = {} AND {}",
            a.push(id),
            scope::people(actor, &mut a)
        );
        let row = a.query(&sql).fetch_optional(&self.pool).await?;
        row.as_ref().map(person_from).transpose()
    }

    /// The record trail of person `id` (the caller has checked the person is in scope).
    pub async fn person_trail(&self, id: Id) -> Result<Option<PersonTrail>> {
        let row = sqlx::query(
            "SELECT p.created_at, p.updated_at, p.created_by, c.display_name AS created_name, \
             p.updated_by, u.display_name AS updated_name FROM people p \
             LEFT JOIN users c ON c.id = p.created_by LEFT JOIN users u ON u.id = p.updated_by \
             WHERE p.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let who = |id: &str, name: &str| -> Result<Option<(Id, String)>> {
            let id: Option<Id> = get(&row, id)?;
            let name: Option<String> = get(&row, name)?;
            Ok(id.zip(name))
        };
        Ok(Some(PersonTrail {
            created_at: get_time(&row, "created_at")?,
            created_by: who("created_by", "created_name")?,
            updated_at: get_time(&row, "updated_at")?,
            updated_by: who("updated_by", "updated_name")?,
        }))
    }

    /// Replaces the stored person (same id) if in scope; NotFound otherwise. The new node
    /// must exist (`Invalid{field:"org_unit_id"}`) and, for staff, lie in their subtree
    /// (so nobody moves a person out of their own sight by mistake).
    pub async fn update_person(&self, actor: &Actor, person: &Person) -> Result<Person> {
        check(person)?;
        let mut tx = self.writer.begin().await?;
        let mut a = Args::default();
        let sql = format!(
            "SELECT p.id FROM people p WHERE p.id = {} AND {}",
            a.push(person.id),
            scope::people(actor, &mut a)
        );
        if a.query(&sql).fetch_optional(&mut *tx).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let path = require_org_unit(&mut tx, person.org_unit_id).await?;
        let subtree_role = scope::is_subtree_role(actor.role);
        if subtree_role && !suqiu_core::org::in_subtree(&actor.org_path, &path) {
            return Err(invalid(
                "org_unit_id",
                &msg!(
                    "org_unit_not_yours",
                    "所选组织不在您的管辖范围内",
                    "The chosen unit is outside your scope"
                ),
            ));
        }
        let mut a = Args::default();
        let sets: Vec<String> = PERSON_WRITE_COLUMNS
            .iter()
            .zip(person_args(person, &path)?)
            .map(|(c, v)| format!("{c} = {}", a.push(v)))
            .collect();
        let sql = format!(
            "UPDATE people SET {}, updated_at = {}, updated_by = {} WHERE id = {}",
            sets.join(", "),
            a.push(ms(Utc::now())),
            a.push(actor.user_id),
            a.push(person.id)
        );
        a.query(&sql).execute(&mut *tx).await?;
        write_tags(&mut tx, person.id, &person.tags).await?;
        tx.commit().await?;
        Ok(person.clone())
    }

    /// A page of people in the actor's scope, in register order (by id).
    pub async fn list_people(&self, actor: &Actor, filter: &PeopleFilter) -> Result<Page<Person>> {
        let (page, per_page) = paging(filter.page, filter.per_page);
        let empty = || Page::empty(page, per_page);
        let mut a = Args::default();
        let Some(mut conds) = self
            .people_scope(actor, (filter.org_unit_id, filter.among), &mut a)
            .await?
        else {
            return Ok(empty());
        };
        if let Some(tag) = filter.tag {
            conds.push(format!(
                "p.id IN (SELECT person_id FROM people_tags WHERE tag = {})",
                a.push(tag.code())
            ));
        }
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let name = a.push(format!("%{}%", like_escape(q)));
            let digits: String = q.chars().filter(char::is_ascii_digit).collect();
            if digits.is_empty() {
                conds.push(format!("p.name LIKE {name} ESCAPE '\\'"));
            } else {
                let phone = a.push(format!("%{digits}%"));
                conds.push(format!(
                    "(p.name LIKE {name} ESCAPE '\\' OR p.phone LIKE {phone})"
                ));
            }
        }
        let filter_sql = conds.join(" AND ");
        let count_sql = format!("SELECT COUNT(*) AS n FROM people p WHERE {filter_sql}");
        let total: i64 = get(&a.query(&count_sql).fetch_one(&self.pool).await?, "n")?;
        let limit = a.push(per_page);
        let offset = a.push((page - 1) * per_page);
        let sql = format!("SELECT {PERSON_COLUMNS} FROM people p WHERE {filter_sql} ORDER BY p.id LIMIT {limit} OFFSET {offset}");
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        let items = rows.iter().map(person_from).collect::<Result<Vec<_>>>()?;
        Ok(Page::exact(items, total, page, per_page))
    }

    /// The conditions on `people p` of the actor's scope, narrowed to `node`'s subtree when
    /// given and to whom `among` picks; `None` when that node is unknown or out of scope
    /// (no rows).
    pub(crate) async fn people_scope(
        &self,
        actor: &Actor,
        (node, among): (Option<Id>, Among),
        a: &mut Args,
    ) -> Result<Option<Vec<String>>> {
        let mut conds = vec![scope::people(actor, a)];
        conds.extend(among.condition(actor, a));
        if let Some(node) = node {
            let Some(unit) = self.org_unit(node).await? else {
                return Ok(None);
            };
            let subtree_role = scope::is_subtree_role(actor.role);
            if subtree_role && !suqiu_core::org::in_subtree(&actor.org_path, &unit.path) {
                return Ok(None);
            }
            conds.push(scope::in_subtree("p.org_path", &unit.path, a));
        }
        Ok(Some(conds))
    }

    /// Bulk insert for the demo generator: one transaction, ids returned in order.
    pub async fn insert_people_bulk(&self, people: &[Person]) -> Result<Vec<Id>> {
        let paths = self.org_paths().await?;
        let mut tx = self.writer.begin().await?;
        let ids = self.insert_people_in(&mut tx, &paths, people, None).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Inserts `people` on `conn` (inside the caller's transaction), ids in order, recording
    /// `by` as their creator; every node must be in `paths`.
    pub(crate) async fn insert_people_in(
        &self,
        conn: &mut AnyConnection,
        paths: &std::collections::HashMap<Id, String>,
        people: &[Person],
        by: Option<Id>,
    ) -> Result<Vec<Id>> {
        for p in people {
            check(p)?;
        }
        let ids = dialect::reserve_ids(self.backend, conn, "people", people.len()).await?;
        let now = ms(Utc::now());
        let mut rows = Vec::with_capacity(people.len());
        let mut tag_rows = Vec::new();
        for (p, id) in people.iter().zip(&ids) {
            let path = paths
                .get(&p.org_unit_id)
                .ok_or_else(|| invalid("org_unit_id", &ORG_UNIT_MISSING))?;
            let mut row = vec![Arg::from(*id)];
            row.extend(person_args(p, path)?);
            row.extend([Arg::from(now), Arg::from(now), by.into(), by.into()]);
            rows.push(row);
            let mut seen = Vec::new();
            for t in &p.tags {
                if !seen.contains(t) {
                    seen.push(*t);
                    tag_rows.push(vec![Arg::from(*id), Arg::from(t.code())]);
                }
            }
        }
        let mut columns = vec!["id"];
        columns.extend(PERSON_WRITE_COLUMNS);
        columns.extend(["created_at", "updated_at", "created_by", "updated_by"]);
        insert_rows(self.backend, conn, "people", &columns, rows, "").await?;
        insert_rows(
            self.backend,
            conn,
            "people_tags",
            &["person_id", "tag"],
            tag_rows,
            "",
        )
        .await?;
        Ok(ids)
    }

    /// Every org unit's path, by id (bulk loads resolve paths in memory).
    pub(crate) async fn org_paths(&self) -> Result<std::collections::HashMap<Id, String>> {
        let rows = sqlx::query("SELECT id, path FROM org_units")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((get(r, "id")?, get(r, "path")?)))
            .collect()
    }
}
