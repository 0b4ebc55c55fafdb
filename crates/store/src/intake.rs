//! An intake whose appellant is new to the register: the appellant becomes a person on the
//! people register and the appeal is linked to that person, in ONE transaction — both are
//! stored or neither. When the register already holds them (the same name and phone, in the
//! actor's scope) the appeal is linked to that person and nobody is added, so a second
//! intake of the same appellant finds the first one's person.
//!
//! The appeal keeps its appellant as given at intake (`named`: the name, phone and e-mail
//! address said at the desk, which the appellant's messages go to); the link is the
//! appeal's `appellant_person_id`, which the person's page and the similar-appeal check
//! read. The register may later change the person's phone; the appeal keeps what was said.
//!
//! Two intakes of the same new appellant at the same moment must still make one person:
//! on SQLite the single writer runs jobs one after the other (the second sees the first's
//! row in the same batch's transaction); on PostgreSQL each job takes a transaction-scoped
//! advisory lock on the phone before looking, so the second waits for the first to commit
//! and then finds its person. (A unique index cannot say this: one household phone may
//! rightly belong to several people of different names.)

use sqlx::AnyConnection;
use suqiu_core::access::Actor;
use suqiu_core::appeal::{Appeal, Appellant};
use suqiu_core::lifecycle::Event;
use suqiu_core::msg;
use suqiu_core::person::Person;
use suqiu_core::Id;

use crate::appeal_row::NewAppeal;
use crate::appeals::insert_new;
use crate::error::Result;
use crate::people::{find_by_name_and_phone, insert_person};
use crate::sql::invalid;
use crate::suggest::Offered;
use crate::writer::{Done, Undo};
use crate::{dialect, Backend, Store};

/// The appellant of an intake who is not (knowingly) on the register yet.
#[derive(Debug, Clone)]
pub struct NewAppellant {
    pub name: String,
    /// Normalized, as `validate_phone` returns it: the key a later intake finds them by.
    pub phone: String,
    /// Their node on the register (the node the appeal concerns).
    pub org_unit_id: Id,
}

/// What [`Store::create_appeal_registering`] stored.
#[derive(Debug, Clone)]
pub struct RegisteredIntake {
    pub appeal: Appeal,
    pub person: Person,
    /// The person was added now (false: found on the register).
    pub person_added: bool,
}

impl Store {
    /// Stores a newly registered appeal as [`Store::create_appeal`] does, its appellant
    /// `who` found on or added to the register (see the module's comment) and the appeal
    /// linked to them; what the intake's suggestions `offered` stored with it.
    pub async fn create_appeal_registering(
        &self,
        actor: &Actor,
        appeal: &Appeal,
        event: &Event,
        who: &NewAppellant,
        offered: Option<Offered>,
    ) -> Result<RegisteredIntake> {
        let new_person = person_to_register(appeal, who)?;
        let new = NewAppeal::new(appeal.clone(), event.clone(), offered);
        let backend = self.backend();
        let actor = actor.clone();
        self.run_job(Undo::Savepoint, move |conn| {
            Box::pin(async move {
                let (person, person_added) = find_or_add(conn, backend, &actor, new_person).await?;
                let (appeal, deferred) = insert_new(conn, new).await?;
                sqlx::query("UPDATE appeals SET appellant_person_id = $1 WHERE id = $2")
                    .bind(person.id)
                    .bind(appeal.id)
                    .execute(&mut *conn)
                    .await?;
                let stored = RegisteredIntake {
                    appeal,
                    person,
                    person_added,
                };
                Ok(Done::keep(stored, deferred))
            })
        })
        .await
    }
}

/// The person the appellant `who` of `appeal` becomes on the register (id 0 until added);
/// `Invalid{field:"appellant"}` without a name and phone, or when the appeal's appellant is
/// not a named one.
fn person_to_register(appeal: &Appeal, who: &NewAppellant) -> Result<Person> {
    let (name, phone) = (who.name.trim().to_string(), who.phone.trim().to_string());
    if name.is_empty() || phone.is_empty() {
        return Err(invalid(
            "appellant",
            &msg!(
                "new_appellant_incomplete",
                "登记新的诉求人须有姓名和电话",
                "A new appellant needs a name and a phone number"
            ),
        ));
    }
    if !matches!(appeal.appellant, Appellant::Named { .. }) {
        return Err(invalid(
            "appellant",
            &msg!(
                "only_new_appellant_registered",
                "只有新的诉求人需要登记到人员名册",
                "Only a new appellant is added to the roster"
            ),
        ));
    }
    Ok(Person {
        id: 0,
        name,
        gender: None,
        birth_date: None,
        phone: Some(phone),
        id_number: None,
        org_unit_id: who.org_unit_id,
        address: None,
        tags: Vec::new(),
        party: None,
    })
}

/// The person on the register with `new_person`'s name and phone in the actor's scope, or
/// `new_person` added now (`true`). One intake of this phone at a time: see the module's
/// comment.
async fn find_or_add(
    conn: &mut AnyConnection,
    backend: Backend,
    actor: &Actor,
    new_person: Person,
) -> Result<(Person, bool)> {
    let phone = new_person.phone.clone().unwrap_or_default();
    let key = format!("suqiu.person.phone:{phone}");
    dialect::lock_key(backend, conn, &key).await?;
    let found = find_by_name_and_phone(conn, actor, &new_person.name, &phone).await?;
    Ok(match found {
        Some(p) => (p, false),
        None => {
            let id = insert_person(conn, &new_person, Some(actor.user_id)).await?;
            (Person { id, ..new_person }, true)
        }
    })
}
