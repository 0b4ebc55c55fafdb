//! A person's care timeline: what each source (visits, pairing contacts, appeals, aid,
//! goods) says about them, merged newest first.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use suqiu_core::access::{Actor, Capability};
use suqiu_core::Id;

use crate::error::Result;
use crate::sql::{get, get_time, Args};
use crate::{scope, Store};

/// Where an entry of a person's care timeline comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    Visit,
    PairingContact,
    Appeal,
    /// A grant from the aid fund, posted (money paid out).
    Aid,
    /// Goods handed out by the love supermarket.
    Goods,
}

/// One entry of a person's care timeline.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub kind: TimelineKind,
    /// The visit, contact or appeal id.
    pub ref_id: Id,
    /// Who did it (visitor, partner), when known.
    pub by: Option<String>,
    /// One line: the visit note, the contact note, the appeal's tracking code and title.
    pub summary: String,
    /// An appeal's status now (a code: each page labels it in its reader's language).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<suqiu_core::appeal::Status>,
}

/// Most entries each source gives a timeline.
const TIMELINE_PER_SOURCE: i64 = 200;

impl Store {
    /// A person's care timeline, newest first: visits, pairing contacts, appeals, aid granted
    /// and goods handed out (the last two for roles that read the care registers), each
    /// source read with the actor's scope for it. A new source is one more query yielding
    /// `TimelineEntry`s; the merge is the same.
    pub async fn care_timeline(&self, actor: &Actor, person_id: Id) -> Result<Vec<TimelineEntry>> {
        let mut entries = self.timeline_visits(actor, person_id).await?;
        entries.extend(self.timeline_pairing_contacts(actor, person_id).await?);
        entries.extend(self.timeline_appeals(actor, person_id).await?);
        // Aid and goods: the registers of the care side, for those who may read them.
        if actor.may(Capability::ReadCare) {
            entries.extend(self.timeline_aid(actor, person_id).await?);
            entries.extend(self.timeline_goods(actor, person_id).await?);
        }
        entries.sort_by(|x, y| y.at.cmp(&x.at).then(y.ref_id.cmp(&x.ref_id)));
        Ok(entries)
    }

    async fn timeline_visits(&self, actor: &Actor, person_id: Id) -> Result<Vec<TimelineEntry>> {
        let mut a = Args::default();
        let sql = format!(
            "SELECT v.id, v.visited_at AS at, COALESCE(u.display_name, '') AS by_name, v.note AS summary \
             FROM visits v JOIN people p ON p.id = v.person_id LEFT JOIN users u ON u.id = v.visitor_user_id \
             WHERE v.person_id = {} AND {} ORDER BY v.visited_at DESC LIMIT {}",
            a.push(person_id),
            scope::care_people(actor, &mut a),
            a.push(TIMELINE_PER_SOURCE)
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| noted(r, TimelineKind::Visit, get(r, "summary")?))
            .collect()
    }

    async fn timeline_pairing_contacts(
        &self,
        actor: &Actor,
        person_id: Id,
    ) -> Result<Vec<TimelineEntry>> {
        let mut a = Args::default();
        let sql = format!(
            "SELECT c.id, c.contacted_at AS at, COALESCE(u.display_name, pp.name, '') AS by_name, c.note AS summary \
             FROM pairing_contacts c JOIN pairings pr ON pr.id = c.pairing_id \
             LEFT JOIN users u ON u.id = pr.partner_user_id LEFT JOIN people pp ON pp.id = pr.partner_person_id \
             WHERE pr.person_id = {} AND {} ORDER BY c.contacted_at DESC LIMIT {}",
            a.push(person_id),
            scope::pairings(actor, &mut a),
            a.push(TIMELINE_PER_SOURCE)
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| noted(r, TimelineKind::PairingContact, get(r, "summary")?))
            .collect()
    }

    async fn timeline_appeals(&self, actor: &Actor, person_id: Id) -> Result<Vec<TimelineEntry>> {
        let mut a = Args::default();
        let sql = format!(
            "SELECT a.id, a.created_at AS at, a.tracking_code, a.status, a.title, a.content \
             FROM appeals a WHERE a.appellant_person_id = {} AND {} ORDER BY a.id DESC LIMIT {}",
            a.push(person_id),
            scope::appeals(actor, &mut a),
            a.push(TIMELINE_PER_SOURCE)
        );
        let mut entries = Vec::new();
        for r in a.query(&sql).fetch_all(&self.pool).await? {
            let title: Option<String> = get(&r, "title")?;
            let content: String = get(&r, "content")?;
            let status: String = get(&r, "status")?;
            let what: String = title.unwrap_or(content).chars().take(60).collect();
            entries.push(TimelineEntry {
                at: get_time(&r, "at")?,
                kind: TimelineKind::Appeal,
                ref_id: get(&r, "id")?,
                by: None,
                summary: format!("{} {what}", get::<String>(&r, "tracking_code")?),
                status: suqiu_core::appeal::Status::parse(&status),
            });
        }
        Ok(entries)
    }

    /// Grants from the aid fund, once posted (paid out).
    async fn timeline_aid(&self, actor: &Actor, person_id: Id) -> Result<Vec<TimelineEntry>> {
        let mut a = Args::default();
        let sql = format!(
            "SELECT e.id, e.posted_at AS at, e.amount_cents, e.note, COALESCE(u.display_name, '') AS by_name \
             FROM fund_entries e LEFT JOIN users u ON u.id = e.decided_by \
             WHERE e.person_id = {} AND e.kind = 'grant' AND e.status = 'posted' AND {} \
             ORDER BY e.id DESC LIMIT {}",
            a.push(person_id),
            scope::in_subtree("e.org_path", &actor.org_path, &mut a),
            a.push(TIMELINE_PER_SOURCE)
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let cents: i64 = get(r, "amount_cents")?;
                let note: String = get(r, "note")?;
                let summary = format!("¥{}.{:02} {note}", cents / 100, cents % 100);
                noted(r, TimelineKind::Aid, summary)
            })
            .collect()
    }

    /// Goods handed out by the love supermarket.
    async fn timeline_goods(&self, actor: &Actor, person_id: Id) -> Result<Vec<TimelineEntry>> {
        let mut a = Args::default();
        let sql = format!(
            "SELECT m.id, m.created_at AS at, -m.quantity AS quantity, i.name, i.unit, \
                    COALESCE(u.display_name, '') AS by_name \
             FROM supermarket_movements m JOIN supermarket_items i ON i.id = m.item_id \
             LEFT JOIN users u ON u.id = m.created_by \
             WHERE m.person_id = {} AND m.quantity < 0 AND {} ORDER BY m.id DESC LIMIT {}",
            a.push(person_id),
            scope::in_subtree("i.org_path", &actor.org_path, &mut a),
            a.push(TIMELINE_PER_SOURCE)
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let summary = format!(
                    "{} × {}{}",
                    get::<String>(r, "name")?,
                    get::<i64>(r, "quantity")?,
                    get::<String>(r, "unit")?
                );
                noted(r, TimelineKind::Goods, summary)
            })
            .collect()
    }
}

/// An entry of a source whose rows have `id`, `at` and `by_name`, and no status.
fn noted(r: &AnyRow, kind: TimelineKind, summary: String) -> Result<TimelineEntry> {
    Ok(TimelineEntry {
        at: get_time(r, "at")?,
        kind,
        status: None,
        ref_id: get(r, "id")?,
        by: Some(get(r, "by_name")?),
        summary,
    })
}
