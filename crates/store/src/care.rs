//! The care register (关爱名册): care levels and notes, visit rules per node, coverage, and
//! a person's care timeline.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use sqlx::any::AnyRow;
use suqiu_core::access::Actor;
use suqiu_core::calendar::{shanghai, shanghai_date};
use suqiu_core::care::{
    care_note, default_rules, next_visit, rules_in_force, strictest_interval, visited_on_time,
    CareLevel, Coverage, DueStatus, NextVisit, VisitRule,
};
use suqiu_core::person::{CareTag, Gender};
use suqiu_core::Id;

use crate::error::{Result, StoreError};
use crate::people::{parse_tags, person_from, PERSON_COLUMNS};
use crate::sql::{get, get_json, get_opt_code, get_time, ms, paging, time_of, to_json, Args};
use crate::{scope, Page, Store};

mod timeline;

pub use timeline::{TimelineEntry, TimelineKind};

pub use suqiu_core::care::MAX_CARE_NOTE_CHARS;

/// The column `last_visit` of a query over people (alias `p`): their latest visit (the
/// `visits (person_id, visited_at)` index answers it).
pub(crate) const LAST_VISIT: &str =
    "(SELECT MAX(v.visited_at) FROM visits v WHERE v.person_id = p.id) AS last_visit";

/// People (alias `p`) with a care tag: the ones visit rules apply to.
pub(crate) fn care_tags() -> String {
    "p.tags <> '[]'".into()
}

/// People (alias `p`) on the care register: a care tag, or a care level set by hand.
pub(crate) fn on_register() -> String {
    "(p.tags <> '[]' OR EXISTS (SELECT 1 FROM care_profiles c WHERE c.person_id = p.id AND c.level IS NOT NULL))".into()
}

/// The path of node `id`, or `None` when the node is unknown or, for a subtree role,
/// outside the actor's subtree (a volunteer's own scope narrows further).
pub(crate) async fn node_path(store: &Store, actor: &Actor, id: Id) -> Result<Option<String>> {
    let Some(unit) = store.org_unit(id).await? else {
        return Ok(None);
    };
    if scope::is_subtree_role(actor.role)
        && !suqiu_core::org::in_subtree(&actor.org_path, &unit.path)
    {
        return Ok(None);
    }
    Ok(Some(unit.path))
}

/// People (alias `p`) under node `id` (see [`node_path`]), as a condition.
pub(crate) async fn in_node(
    store: &Store,
    actor: &Actor,
    id: Id,
    a: &mut Args,
) -> Result<Option<String>> {
    Ok(node_path(store, actor, id)
        .await?
        .map(|path| scope::in_subtree("p.org_path", &path, a)))
}

/// Every node's own visit rules, resolved by path (`suqiu_core::care::rules_in_force`), and
/// the defaults when no ancestor set any.
pub(crate) struct RuleBook {
    by_path: Vec<(String, Vec<VisitRule>)>,
    defaults: Vec<VisitRule>,
}

impl RuleBook {
    pub(crate) async fn load(store: &Store) -> Result<RuleBook> {
        let rows = sqlx::query(
            "SELECT o.path, r.rules FROM visit_rules r JOIN org_units o ON o.id = r.org_unit_id",
        )
        .fetch_all(&store.pool)
        .await?;
        let by_path = rows
            .iter()
            .map(|r| Ok((get::<String>(r, "path")?, get_json(r, "rules")?)))
            .collect::<Result<Vec<(String, Vec<VisitRule>)>>>()?;
        Ok(RuleBook {
            by_path,
            defaults: default_rules(),
        })
    }

    pub(crate) fn rules_for(&self, path: &str) -> &[VisitRule] {
        self.source_for(path).1
    }

    /// The last visit of the person of `row` (columns `last_visit`, see [`LAST_VISIT`], and
    /// `org_path`) with care `tags`, and their next visit as of `today` by their node's rules.
    pub(crate) fn visit_standing(
        &self,
        row: &AnyRow,
        tags: &[CareTag],
        today: NaiveDate,
    ) -> Result<(Option<DateTime<Utc>>, Option<NextVisit>)> {
        let last: Option<i64> = get(row, "last_visit")?;
        let last_visit = last.map(|t| time_of(t, "last_visit")).transpose()?;
        let path: String = get(row, "org_path")?;
        let next = next_visit(
            tags,
            self.rules_for(&path),
            last_visit.map(shanghai_date),
            today,
        );
        Ok((last_visit, next))
    }

    /// The rules for `path` and the path of the node that set them (`None`: the defaults),
    /// by `suqiu_core::care::rules_in_force`.
    fn source_for(&self, path: &str) -> (Option<&str>, &[VisitRule]) {
        rules_in_force(path, &self.by_path)
            .map(|(p, r)| (Some(p), r))
            .unwrap_or((None, &self.defaults))
    }
}

/// A node's visit rules and where they come from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuleSet {
    pub org_unit_id: Id,
    pub rules: Vec<VisitRule>,
    /// The node whose rules these are: this one, an ancestor, or `None` for the defaults.
    pub set_at: Option<Id>,
}

/// A person on the care register, as the register lists them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CareEntry {
    pub person_id: Id,
    pub name: String,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    /// Unmasked: callers mask for roles that may not see it.
    pub phone: Option<String>,
    pub org_unit_id: Id,
    pub address: Option<String>,
    pub tags: Vec<CareTag>,
    pub level: Option<CareLevel>,
    /// Health and family details: callers show it only with `SeeCareDetails`.
    pub note: Option<String>,
    pub last_visit: Option<DateTime<Utc>>,
    pub next: Option<NextVisit>,
}

/// Filters of the care register.
#[derive(Debug, Clone, Default)]
pub struct RegisterFilter {
    pub org_unit_id: Id,
    pub tag: Option<CareTag>,
    pub level: Option<CareLevel>,
    pub page: i64,
    pub per_page: i64,
}

/// A station's visit coverage over a period (see `suqiu_core::care::visited_on_time`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CareCoverage {
    pub org_unit_id: Id,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// People under an interval rule visited on time throughout the period.
    pub on_time: Coverage,
    /// People under an interval rule visited at least once in the period.
    pub visited: Coverage,
    /// People overdue at the period's end (or today, if earlier).
    pub overdue: i64,
}

/// The first instant of a Shanghai civil day, as UTC.
pub fn day_start(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(shanghai()).single())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

impl Store {
    /// The visit rules that apply at node `org_unit_id`. `NotFound` for an unknown node.
    pub async fn visit_rules(&self, org_unit_id: Id) -> Result<RuleSet> {
        let unit = self
            .org_unit(org_unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let book = RuleBook::load(self).await?;
        let (source, rules) = book.source_for(&unit.path);
        let set_at = match source {
            None => None,
            Some(path) => self
                .lookups()
                .await?
                .units
                .iter()
                .find(|u| u.path == path)
                .map(|u| u.id),
        };
        Ok(RuleSet {
            org_unit_id,
            rules: rules.to_vec(),
            set_at,
        })
    }

    /// Replaces node `org_unit_id`'s own visit rules (checked by the caller with
    /// `suqiu_core::care::validate_rules`). `Invalid{field:"org_unit_id"}` for an unknown node.
    pub async fn set_visit_rules(
        &self,
        user_id: Id,
        org_unit_id: Id,
        rules: &[VisitRule],
    ) -> Result<RuleSet> {
        let mut tx = self.writer.begin().await?;
        crate::org::require_org_unit(&mut tx, org_unit_id).await?;
        sqlx::query("DELETE FROM visit_rules WHERE org_unit_id = $1")
            .bind(org_unit_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO visit_rules (org_unit_id, rules, updated_at, updated_by) VALUES ($1, $2, $3, $4)",
        )
        .bind(org_unit_id)
        .bind(to_json(&rules)?)
        .bind(ms(Utc::now()))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(RuleSet {
            org_unit_id,
            rules: rules.to_vec(),
            set_at: Some(org_unit_id),
        })
    }

    /// Sets a person's care level and note (both `None` takes them off the register unless
    /// they have care tags; the note by `suqiu_core::care::care_note`). `NotFound` when the person is not in the actor's scope.
    pub async fn set_care_profile(
        &self,
        actor: &Actor,
        person_id: Id,
        level: Option<CareLevel>,
        note: Option<&str>,
    ) -> Result<()> {
        let note = care_note(note).map_err(StoreError::Invalid)?;
        let mut tx = self.writer.begin().await?;
        let mut a = Args::default();
        let sql = format!(
            "SELECT p.id FROM people p WHERE p.id = {} AND {}",
            a.push(person_id),
            scope::people(actor, &mut a)
        );
        if a.query(&sql).fetch_optional(&mut *tx).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM care_profiles WHERE person_id = $1")
            .bind(person_id)
            .execute(&mut *tx)
            .await?;
        if level.is_some() || note.is_some() {
            sqlx::query(
                "INSERT INTO care_profiles (person_id, level, note, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(person_id)
            .bind(level.map(|l| l.code()))
            .bind(note)
            .bind(ms(Utc::now()))
            .bind(actor.user_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A person's care level and note. No scope check: read the person first.
    pub async fn care_profile(&self, person_id: Id) -> Result<(Option<CareLevel>, Option<String>)> {
        let row = sqlx::query("SELECT level, note FROM care_profiles WHERE person_id = $1")
            .bind(person_id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            None => Ok((None, None)),
            Some(r) => Ok((
                get_opt_code(&r, "level", CareLevel::parse)?,
                get(&r, "note")?,
            )),
        }
    }

    /// A page of the care register under a node (people with care tags or a care level, that
    /// the actor may see): 重点关爱 first, then in register order, each with their last visit
    /// and next visit as of `now`. `NotFound` for an unknown or out-of-scope node.
    pub async fn care_register(
        &self,
        actor: &Actor,
        filter: &RegisterFilter,
        now: DateTime<Utc>,
    ) -> Result<Page<CareEntry>> {
        let (page, per_page) = paging(filter.page, filter.per_page);
        let mut a = Args::default();
        let node = in_node(self, actor, filter.org_unit_id, &mut a)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut conds = vec![node, scope::care_people(actor, &mut a), on_register()];
        if let Some(tag) = filter.tag {
            conds.push(format!(
                "p.id IN (SELECT person_id FROM people_tags WHERE tag = {})",
                a.push(tag.code())
            ));
        }
        if let Some(level) = filter.level {
            conds.push(format!("cp.level = {}", a.push(level.code())));
        }
        let cond = conds.join(" AND ");
        let from = "FROM people p LEFT JOIN care_profiles cp ON cp.person_id = p.id";
        let total: i64 = get(
            &a.query(&format!("SELECT COUNT(*) AS n {from} WHERE {cond}"))
                .fetch_one(&self.pool)
                .await?,
            "n",
        )?;
        let sql = format!(
            "SELECT {PERSON_COLUMNS}, p.org_path, cp.level, cp.note, {LAST_VISIT} \
             {from} WHERE {cond} \
             ORDER BY CASE WHEN cp.level = 'key' THEN 0 ELSE 1 END, p.id LIMIT {} OFFSET {}",
            a.push(per_page),
            a.push((page - 1) * per_page)
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        let book = RuleBook::load(self).await?;
        let today = shanghai_date(now);
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            let person = person_from(row)?;
            let (last_visit, next) = book.visit_standing(row, &person.tags, today)?;
            items.push(CareEntry {
                person_id: person.id,
                name: person.name,
                gender: person.gender,
                birth_date: person.birth_date,
                phone: person.phone,
                org_unit_id: person.org_unit_id,
                address: person.address,
                tags: person.tags,
                level: get_opt_code(row, "level", CareLevel::parse)?,
                note: get(row, "note")?,
                last_visit,
                next,
            });
        }
        Ok(Page::exact(items, total, page, per_page))
    }

    /// Visit coverage under a node over the days `from..=to` (Shanghai), as of `now` (a
    /// period reaching past today is measured up to today). Counts the people the actor may
    /// see who fall under an interval rule. `NotFound` for an unknown or out-of-scope node.
    pub async fn care_coverage(
        &self,
        actor: &Actor,
        org_unit_id: Id,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<CareCoverage> {
        let end = to.min(shanghai_date(now));
        let unit_path = node_path(self, actor, org_unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        // The people counted, as a condition written into each query's own arguments.
        let people = |a: &mut Args| {
            format!(
                "{} AND {} AND {}",
                scope::in_subtree("p.org_path", &unit_path, a),
                scope::care_people(actor, a),
                care_tags()
            )
        };
        let (start_ms, end_ms) = (ms(day_start(from)), ms(day_start(end) + TimeDelta::days(1)));
        let mut a = Args::default();
        let sql = format!(
            "SELECT p.id, p.org_path, p.tags FROM people p WHERE {}",
            people(&mut a)
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        let visits = self.coverage_visits(&people, start_ms, end_ms).await?;
        let book = RuleBook::load(self).await?;
        let tally = visits.tally(&rows, &book, from, end)?;
        Ok(CareCoverage {
            org_unit_id,
            from,
            to,
            on_time: Coverage::new(tally.total, tally.on_time),
            visited: Coverage::new(tally.total, tally.visited),
            overdue: tally.overdue,
        })
    }

    /// The visits to the people of `people` that coverage looks at: the last one before the
    /// period, and every one in it.
    async fn coverage_visits(
        &self,
        people: &impl Fn(&mut Args) -> String,
        start_ms: i64,
        end_ms: i64,
    ) -> Result<CoverageVisits> {
        let mut a = Args::default();
        let sql = format!(
            "SELECT v.person_id, MAX(v.visited_at) AS last FROM visits v \
             WHERE v.person_id IN (SELECT p.id FROM people p WHERE {}) AND v.visited_at < {} \
             GROUP BY v.person_id",
            people(&mut a),
            a.push(start_ms)
        );
        let mut last_before: HashMap<Id, NaiveDate> = HashMap::new();
        for r in &a.query(&sql).fetch_all(&self.pool).await? {
            last_before.insert(get(r, "person_id")?, shanghai_date(get_time(r, "last")?));
        }
        let mut a = Args::default();
        let sql = format!(
            "SELECT v.person_id, v.visited_at FROM visits v \
             WHERE v.person_id IN (SELECT p.id FROM people p WHERE {}) \
             AND v.visited_at >= {} AND v.visited_at < {}",
            people(&mut a),
            a.push(start_ms),
            a.push(end_ms)
        );
        let mut in_period: HashMap<Id, Vec<NaiveDate>> = HashMap::new();
        for r in &a.query(&sql).fetch_all(&self.pool).await? {
            in_period
                .entry(get(r, "person_id")?)
                .or_default()
                .push(shanghai_date(get_time(r, "visited_at")?));
        }
        Ok(CoverageVisits {
            last_before,
            in_period,
        })
    }
}

/// The visits coverage is measured from, by person.
struct CoverageVisits {
    /// The day of the last visit before the period.
    last_before: HashMap<Id, NaiveDate>,
    /// The days of the visits in the period.
    in_period: HashMap<Id, Vec<NaiveDate>>,
}

/// People under an interval rule, and how many of them were visited, on time, or are overdue.
#[derive(Default)]
struct CoverageTally {
    total: i64,
    on_time: i64,
    visited: i64,
    overdue: i64,
}

impl CoverageVisits {
    /// Counts the people of `rows` (`id`, `org_path`, `tags`) over the days `from..=end`.
    fn tally(
        &self,
        rows: &[AnyRow],
        book: &RuleBook,
        from: NaiveDate,
        end: NaiveDate,
    ) -> Result<CoverageTally> {
        let mut tally = CoverageTally::default();
        for row in rows {
            let id: Id = get(row, "id")?;
            let tags = parse_tags(row)?;
            let path: String = get(row, "org_path")?;
            let rules = book.rules_for(&path);
            let Some(interval) = strictest_interval(&tags, rules) else {
                continue;
            };
            tally.total += 1;
            let before = self.last_before.get(&id).copied();
            let visits = self.in_period.get(&id).map(Vec::as_slice).unwrap_or(&[]);
            if !visits.is_empty() {
                tally.visited += 1;
            }
            if from <= end && visited_on_time(interval, before, visits, from, end) {
                tally.on_time += 1;
            }
            let last = visits.iter().copied().max().or(before);
            if next_visit(&tags, rules, last, end).is_some_and(|n| n.status == DueStatus::Overdue) {
                tally.overdue += 1;
            }
        }
        Ok(tally)
    }
}
