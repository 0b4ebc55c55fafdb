//! Service teams (组团式服务): members and the blocks of households each looks after, with
//! household coverage; and pairings (结对) with their contact log.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use sqlx::any::AnyRow;
use suqiu_core::access::{Actor, Role};
use suqiu_core::care::Coverage;
use suqiu_core::org::{in_subtree, OrgKind};
use suqiu_core::vocabulary;
use suqiu_core::Id;

use crate::care::day_start;
use crate::error::{Result, StoreError};
use crate::org::Team;
use crate::scope::subtree_range;
use crate::sql::{
    date_text, get, get_code, get_time, invalid, like_escape, ms, stored, write_error, Args,
};
use crate::{scope, Store};

/// Longest address prefix of a block, pairing note and contact note.
pub const MAX_PREFIX_CHARS: usize = 100;
pub const MAX_CONTACT_CHARS: usize = 2000;

/// A team member: a user (staff, volunteer) or a person on the register (a party member
/// without an account).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TeamMember {
    pub id: Id,
    pub user_id: Option<Id>,
    pub person_id: Option<Id>,
    pub name: String,
    /// The user's role; `None` for a person.
    pub role: Option<Role>,
}

/// A block of households: a node below the team's community, or an address prefix in it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TeamBlock {
    pub id: Id,
    pub org_unit_id: Option<Id>,
    pub org_unit_name: Option<String>,
    pub address_prefix: Option<String>,
}

/// A team with its members and blocks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TeamDetail {
    pub team: Team,
    pub members: Vec<TeamMember>,
    pub blocks: Vec<TeamBlock>,
}

/// Who joins a team or is paired: a user or a person on the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partner {
    User(Id),
    Person(Id),
}

/// What a block is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockOf {
    Node(Id),
    Address(String),
}

vocabulary!(
    /// How a pairing partner kept in touch.
    ContactMode {
        Home = "home" / "上门",
        Phone = "phone" / "电话",
        Other = "other" / "其他",
    }
);

/// A pairing (结对).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Pairing {
    pub id: Id,
    pub person_id: Id,
    pub person_name: String,
    pub partner_user_id: Option<Id>,
    pub partner_person_id: Option<Id>,
    pub partner_name: String,
    pub started_on: NaiveDate,
    pub note: Option<String>,
    pub last_contact: Option<DateTime<Utc>>,
}

/// One entry of a pairing's contact log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Contact {
    pub id: Id,
    pub pairing_id: Id,
    pub contacted_at: DateTime<Utc>,
    pub mode: ContactMode,
    pub note: String,
    pub recorded_by: String,
}

/// Households a team's blocks hold and how many were visited in a period. A household is
/// the people of one node sharing an address; someone without an address is one alone.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TeamCoverage {
    pub team_id: Id,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub households: Coverage,
}

const PAIRING_SELECT: &str = "SELECT pr.id, pr.person_id, p.name AS person_name, pr.partner_user_id, \
     pr.partner_person_id, COALESCE(u.display_name, pp.name, '') AS partner_name, pr.started_on, pr.note, \
     (SELECT MAX(c.contacted_at) FROM pairing_contacts c WHERE c.pairing_id = pr.id) AS last_contact \
     FROM pairings pr JOIN people p ON p.id = pr.person_id \
     LEFT JOIN users u ON u.id = pr.partner_user_id LEFT JOIN people pp ON pp.id = pr.partner_person_id";

fn pairing_from(row: &AnyRow) -> Result<Pairing> {
    let started: String = get(row, "started_on")?;
    let last: Option<i64> = get(row, "last_contact")?;
    Ok(Pairing {
        id: get(row, "id")?,
        person_id: get(row, "person_id")?,
        person_name: get(row, "person_name")?,
        partner_user_id: get(row, "partner_user_id")?,
        partner_person_id: get(row, "partner_person_id")?,
        partner_name: get(row, "partner_name")?,
        started_on: started
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("column started_on: {started:?}")))?,
        note: get(row, "note")?,
        last_contact: last
            .map(|t| crate::sql::time_of(t, "last_contact"))
            .transpose()?,
    })
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl Store {
    /// The teams the actor may see under node `org_unit_id` (staff and auditors: teams whose
    /// node is in that subtree and theirs; a volunteer: the teams it belongs to), with
    /// members and blocks. `NotFound` for an unknown or out-of-scope node.
    pub async fn team_details(&self, actor: &Actor, org_unit_id: Id) -> Result<Vec<TeamDetail>> {
        let unit = self
            .org_unit(org_unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let subtree_role = scope::is_subtree_role(actor.role);
        if subtree_role && !in_subtree(&actor.org_path, &unit.path) {
            return Err(StoreError::NotFound);
        }
        let mut a = Args::default();
        let mut conds = vec![scope::in_subtree("o.path", &unit.path, &mut a)];
        match actor.role {
            Role::Volunteer => conds.push(format!(
                "t.id IN (SELECT team_id FROM team_members WHERE user_id = {})",
                a.push(actor.user_id)
            )),
            Role::DepartmentLiaison => return Ok(Vec::new()),
            _ => {}
        }
        let sql = format!(
            "SELECT t.id, t.org_unit_id, t.name FROM teams t JOIN org_units o ON o.id = t.org_unit_id \
             WHERE {} ORDER BY t.id",
            conds.join(" AND ")
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let team = Team {
                id: get(r, "id")?,
                org_unit_id: get(r, "org_unit_id")?,
                name: get(r, "name")?,
            };
            out.push(self.team_parts(team).await?);
        }
        Ok(out)
    }

    /// One team with members and blocks, if the actor may see it.
    pub async fn team_detail(&self, actor: &Actor, team_id: Id) -> Result<Option<TeamDetail>> {
        let Some(team) = self.team(team_id).await? else {
            return Ok(None);
        };
        let Some(unit) = self.org_unit(team.org_unit_id).await? else {
            return Ok(None);
        };
        let detail = self.team_parts(team).await?;
        let visible = match actor.role {
            Role::DepartmentLiaison => false,
            Role::Volunteer => detail
                .members
                .iter()
                .any(|m| m.user_id == Some(actor.user_id)),
            _ => in_subtree(&actor.org_path, &unit.path),
        };
        Ok(visible.then_some(detail))
    }

    async fn team_parts(&self, team: Team) -> Result<TeamDetail> {
        let rows = sqlx::query(
            "SELECT m.id, m.user_id, m.person_id, COALESCE(u.display_name, p.name, '') AS name, u.role \
             FROM team_members m LEFT JOIN users u ON u.id = m.user_id LEFT JOIN people p ON p.id = m.person_id \
             WHERE m.team_id = $1 ORDER BY m.id",
        )
        .bind(team.id)
        .fetch_all(&self.pool)
        .await?;
        let members = rows
            .iter()
            .map(|r| {
                let role: Option<String> = get(r, "role")?;
                Ok(TeamMember {
                    id: get(r, "id")?,
                    user_id: get(r, "user_id")?,
                    person_id: get(r, "person_id")?,
                    name: get(r, "name")?,
                    role: role.as_deref().and_then(Role::parse),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let rows = sqlx::query(
            "SELECT b.id, b.org_unit_id, o.name AS org_unit_name, b.address_prefix \
             FROM team_blocks b LEFT JOIN org_units o ON o.id = b.org_unit_id \
             WHERE b.team_id = $1 ORDER BY b.id",
        )
        .bind(team.id)
        .fetch_all(&self.pool)
        .await?;
        let blocks = rows
            .iter()
            .map(|r| {
                Ok(TeamBlock {
                    id: get(r, "id")?,
                    org_unit_id: get(r, "org_unit_id")?,
                    org_unit_name: get(r, "org_unit_name")?,
                    address_prefix: get(r, "address_prefix")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(TeamDetail {
            team,
            members,
            blocks,
        })
    }

    /// Adds a member. A user must work at the team's node, above it or below it; a person
    /// must be registered under the team's node. `Invalid{field:"user_id"|"person_id"}`
    /// otherwise, `Conflict` when already a member.
    pub async fn add_team_member(&self, team: &Team, who: Partner) -> Result<TeamMember> {
        let unit = self
            .org_unit(team.org_unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let (field, sql) = match who {
            Partner::User(_) => (
                "user_id",
                "SELECT u.id, u.display_name AS name, u.role, o.path FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.id = $1",
            ),
            Partner::Person(_) => (
                "person_id",
                "SELECT p.id, p.name, NULL AS role, p.org_path AS path FROM people p WHERE p.id = $1",
            ),
        };
        let id = match who {
            Partner::User(id) | Partner::Person(id) => id,
        };
        let row = sqlx::query(sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| invalid(field, "不存在"))?;
        let path: String = get(&row, "path")?;
        let name: String = get(&row, "name")?;
        let role: Option<String> = get(&row, "role")?;
        let fits = match who {
            Partner::User(_) => in_subtree(&path, &unit.path) || in_subtree(&unit.path, &path),
            Partner::Person(_) => in_subtree(&unit.path, &path),
        };
        if !fits {
            return Err(invalid(field, "不属于本团队所在的社区"));
        }
        let (user_id, person_id) = match who {
            Partner::User(id) => (Some(id), None),
            Partner::Person(id) => (None, Some(id)),
        };
        let row = sqlx::query(
            "INSERT INTO team_members (team_id, user_id, person_id, added_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(team.id)
        .bind(user_id)
        .bind(person_id)
        .bind(ms(Utc::now()))
        .fetch_one(self.writer.pool()?)
        .await
        .map_err(|e| write_error(e, field, "已是团队成员"))?;
        Ok(TeamMember {
            id: get(&row, "id")?,
            user_id,
            person_id,
            name,
            role: role.as_deref().and_then(Role::parse),
        })
    }

    /// Adds a block: a node strictly below the team's node, or an address prefix inside it.
    /// `Invalid{field:"org_unit_id"|"address_prefix"}` otherwise.
    pub async fn add_team_block(&self, team: &Team, block: &BlockOf) -> Result<TeamBlock> {
        let unit = self
            .org_unit(team.org_unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let (org_unit, prefix, path, like) = match block {
            BlockOf::Node(id) => {
                let node = self
                    .org_unit(*id)
                    .await?
                    .filter(|n| n.id != unit.id && in_subtree(&unit.path, &n.path))
                    .ok_or_else(|| invalid("org_unit_id", "应为本团队所在社区下的楼组或网格"))?;
                (Some(node.id), None, node.path, None)
            }
            BlockOf::Address(prefix) => {
                let prefix = prefix.trim();
                let n = prefix.chars().count();
                if n == 0 || n > MAX_PREFIX_CHARS {
                    return Err(invalid(
                        "address_prefix",
                        format!("请填写地址（最多 {MAX_PREFIX_CHARS} 个字），如「佛字桥小区1号」"),
                    ));
                }
                (
                    None,
                    Some(prefix.to_string()),
                    unit.path.clone(),
                    Some(format!("{}%", like_escape(prefix))),
                )
            }
        };
        let (lo, hi) = subtree_range(&path);
        let row = sqlx::query(
            "INSERT INTO team_blocks (team_id, org_unit_id, address_prefix, path_lo, path_hi, address_like, added_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(team.id)
        .bind(org_unit)
        .bind(prefix.as_deref())
        .bind(lo)
        .bind(hi)
        .bind(like)
        .bind(ms(Utc::now()))
        .fetch_one(self.writer.pool()?)
        .await?;
        let org_unit_name = match org_unit {
            Some(id) => self.org_unit(id).await?.map(|u| u.name),
            None => None,
        };
        Ok(TeamBlock {
            id: get(&row, "id")?,
            org_unit_id: org_unit,
            org_unit_name,
            address_prefix: prefix,
        })
    }

    /// Households in the team's blocks, and how many had a visit in the days `from..=to`
    /// (Shanghai). Every household counts, not only people in care: a team visits them all.
    pub async fn team_coverage(
        &self,
        team_id: Id,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<TeamCoverage> {
        let mut a = Args::default();
        let blocks = scope::in_team_blocks(&a.push(team_id));
        let sql = format!(
            "SELECT p.id, p.org_unit_id, p.address, \
             (SELECT COUNT(*) FROM visits v WHERE v.person_id = p.id AND v.visited_at >= {} AND v.visited_at < {}) AS visits \
             FROM people p WHERE {blocks}",
            a.push(ms(day_start(from))),
            a.push(ms(day_start(to) + TimeDelta::days(1)))
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        let mut households: HashMap<(Id, String), bool> = HashMap::new();
        for r in &rows {
            let id: Id = get(r, "id")?;
            let address: Option<String> = get(r, "address")?;
            let key = (
                get::<Id>(r, "org_unit_id")?,
                address
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| format!("#{id}")),
            );
            let visited = get::<i64>(r, "visits")? > 0;
            *households.entry(key).or_default() |= visited;
        }
        let visited = households.values().filter(|v| **v).count() as i64;
        Ok(TeamCoverage {
            team_id,
            from,
            to,
            households: Coverage::new(households.len() as i64, visited),
        })
    }

    /// Pairs `partner` with person `person_id` (whom the actor may see, checked by the
    /// caller). A partner user must work at the person's community or above it; a partner
    /// person must be registered in the same community. `Invalid` naming the field otherwise.
    pub async fn create_pairing(
        &self,
        actor: &Actor,
        person_id: Id,
        partner: Partner,
        started_on: NaiveDate,
        note: Option<&str>,
    ) -> Result<Pairing> {
        let mut a = Args::default();
        let sql = format!(
            "SELECT p.org_path FROM people p WHERE p.id = {} AND {}",
            a.push(person_id),
            scope::people(actor, &mut a)
        );
        let row = a
            .query(&sql)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| invalid("person_id", "未知的人员"))?;
        let person_path: String = get(&row, "org_path")?;
        let tree = self.lookups().await?;
        // The person's community (or the node itself above community level).
        let community = tree
            .units
            .iter()
            .filter(|u| u.kind == OrgKind::Community && in_subtree(&u.path, &person_path))
            .map(|u| u.path.clone())
            .next()
            .unwrap_or(person_path.clone());
        let (user_id, partner_person_id) = match partner {
            Partner::User(id) => {
                let row = sqlx::query(
                    "SELECT o.path FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.id = $1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| invalid("partner_user_id", "未知的用户"))?;
                let path: String = get(&row, "path")?;
                if !(in_subtree(&path, &community) || in_subtree(&community, &path)) {
                    return Err(invalid("partner_user_id", "不属于该人员所在的社区"));
                }
                (Some(id), None)
            }
            Partner::Person(id) => {
                if id == person_id {
                    return Err(invalid("partner_person_id", "不能与本人结对"));
                }
                let row = sqlx::query("SELECT org_path FROM people WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or_else(|| invalid("partner_person_id", "未知的人员"))?;
                let path: String = get(&row, "org_path")?;
                if !in_subtree(&community, &path) {
                    return Err(invalid("partner_person_id", "不属于该人员所在的社区"));
                }
                (None, Some(id))
            }
        };
        let row = sqlx::query(
            "INSERT INTO pairings (person_id, org_path, partner_user_id, partner_person_id, started_on, note, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(person_id)
        .bind(&person_path)
        .bind(user_id)
        .bind(partner_person_id)
        .bind(date_text(started_on))
        .bind(non_empty(note))
        .bind(actor.user_id)
        .bind(ms(Utc::now()))
        .fetch_one(self.writer.pool()?)
        .await?;
        let id: Id = get(&row, "id")?;
        self.pairing(actor, id).await?.ok_or(StoreError::NotFound)
    }

    /// One pairing the actor may see.
    pub async fn pairing(&self, actor: &Actor, id: Id) -> Result<Option<Pairing>> {
        let mut a = Args::default();
        let sql = format!(
            "{PAIRING_SELECT} WHERE pr.id = {} AND {}",
            a.push(id),
            scope::pairings(actor, &mut a)
        );
        let row = a.query(&sql).fetch_optional(&self.pool).await?;
        row.as_ref().map(pairing_from).transpose()
    }

    /// The pairings the actor may see, under node `org_unit_id` when given and of person
    /// `person_id` when given, oldest first.
    pub async fn pairings(
        &self,
        actor: &Actor,
        org_unit_id: Option<Id>,
        person_id: Option<Id>,
    ) -> Result<Vec<Pairing>> {
        let mut a = Args::default();
        let mut conds = vec![scope::pairings(actor, &mut a)];
        if let Some(node) = org_unit_id {
            let Some(unit) = self.org_unit(node).await? else {
                return Ok(Vec::new());
            };
            conds.push(scope::in_subtree("pr.org_path", &unit.path, &mut a));
        }
        if let Some(p) = person_id {
            conds.push(format!("pr.person_id = {}", a.push(p)));
        }
        let sql = format!(
            "{PAIRING_SELECT} WHERE {} ORDER BY pr.id",
            conds.join(" AND ")
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(pairing_from).collect()
    }

    /// Logs a contact on a pairing the actor may see (a volunteer: its own). `NotFound`
    /// otherwise; `Invalid{field:"note"}` for an empty or overlong note.
    pub async fn add_contact(
        &self,
        actor: &Actor,
        pairing_id: Id,
        contacted_at: DateTime<Utc>,
        mode: ContactMode,
        note: &str,
    ) -> Result<Contact> {
        let note = note.trim();
        if note.is_empty() {
            return Err(invalid("note", "请填写联系情况"));
        }
        let n = note.chars().count();
        if n > MAX_CONTACT_CHARS {
            return Err(invalid(
                "note",
                format!("内容过长：{n} 字，最多 {MAX_CONTACT_CHARS} 字"),
            ));
        }
        if self.pairing(actor, pairing_id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let contacted_at = stored(contacted_at);
        let row = sqlx::query(
            "INSERT INTO pairing_contacts (pairing_id, contacted_at, mode, note, recorded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(pairing_id)
        .bind(ms(contacted_at))
        .bind(mode.code())
        .bind(note)
        .bind(actor.user_id)
        .bind(ms(Utc::now()))
        .fetch_one(self.writer.pool()?)
        .await?;
        Ok(Contact {
            id: get(&row, "id")?,
            pairing_id,
            contacted_at,
            mode,
            note: note.to_string(),
            recorded_by: actor.name.clone(),
        })
    }

    /// A pairing's contact log, newest first. No scope check: read the pairing first.
    pub async fn contacts(&self, pairing_id: Id) -> Result<Vec<Contact>> {
        let rows = sqlx::query(
            "SELECT c.id, c.pairing_id, c.contacted_at, c.mode, c.note, COALESCE(u.display_name, '') AS recorded_by \
             FROM pairing_contacts c LEFT JOIN users u ON u.id = c.recorded_by \
             WHERE c.pairing_id = $1 ORDER BY c.contacted_at DESC, c.id DESC",
        )
        .bind(pairing_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Contact {
                    id: get(r, "id")?,
                    pairing_id: get(r, "pairing_id")?,
                    contacted_at: get_time(r, "contacted_at")?,
                    mode: get_code(r, "mode", ContactMode::parse)?,
                    note: get(r, "note")?,
                    recorded_by: get(r, "recorded_by")?,
                })
            })
            .collect()
    }
}
