//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` attributes and
//! the DTOs' schemas. Served at `/api/openapi.json`.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::dto;
use crate::problem::{Problem, ProblemField};
use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Suqiu (诉求站) API",
        description = "The JSON API of Suqiu, software for community appeal stations. Errors are application/problem+json (RFC 9457). Sign in with POST /api/v1/session; send the token as `Authorization: Bearer …` or the `suqiu_session` cookie."
    ),
    paths(
        routes::auth::sign_in,
        routes::auth::who_am_i,
        routes::auth::sign_out,
        routes::org::org_units,
        routes::org::departments,
        routes::org::categories,
        routes::org::teams,
        routes::org::list_users,
        routes::org::create_user,
        routes::people::create,
        routes::people::list,
        routes::people::get_one,
        routes::people::update,
        routes::roster::upload,
        routes::roster::preview,
        routes::roster::commit,
        routes::appeals::create,
        routes::appeals::list,
        routes::appeals::get_one,
        routes::appeals::available,
        routes::appeals::act,
        routes::metrics::metrics,
        routes::reports::ranking,
        routes::reports::monthly,
        routes::reports::worst_overdue,
        routes::tracking::track,
        routes::notifications::list,
        routes::notifications::unread_count,
        routes::notifications::mark_read,
        routes::config::get_calendar,
        routes::config::put_calendar,
        routes::config::get_time_limits,
        routes::config::put_time_limits,
        routes::district::get_watch_rules,
        routes::district::put_watch_rules,
        routes::district::get_outbound,
        routes::district::put_outbound,
        routes::district::get_score_weights,
        routes::district::put_score_weights,
        routes::fund::post_entry,
        routes::fund::get_entry,
        routes::fund::approve,
        routes::fund::reject,
        routes::fund::pending,
        routes::fund::ledger,
        routes::fund::public,
        routes::fund::get_approval,
        routes::fund::put_approval,
        routes::supermarket::list_items,
        routes::supermarket::create_item,
        routes::supermarket::post_movement,
        routes::supermarket::statement,
        routes::care::due,
        routes::care::create_visit,
        routes::care::list_visits,
        routes::care::get_rules,
        routes::care::put_rules,
        routes::care::register,
        routes::care::put_profile,
        routes::care::coverage,
        routes::care::create_team,
        routes::care::team,
        routes::care::add_member,
        routes::care::add_block,
        routes::care::team_coverage,
        routes::care::pairings,
        routes::care::create_pairing,
        routes::care::contacts,
        routes::care::add_contact,
        routes::care::timeline,
        routes::ops::healthz,
        routes::ops::prometheus,
        routes::ops::openapi,
    ),
    components(schemas(
        Problem,
        ProblemField,
        dto::LoginIn,
        dto::SessionOut,
        dto::UserOut,
        dto::WhoAmI,
        dto::NewUserIn,
        dto::OrgUnitOut,
        dto::DepartmentOut,
        dto::CategoryOut,
        dto::TeamOut,
        dto::PersonIn,
        dto::PersonPatch,
        dto::PersonOut,
        dto::PartyIn,
        dto::PartyOut,
        dto::AppealIn,
        dto::AppellantIn,
        dto::AppealOut,
        dto::AppellantOut,
        dto::RefOut,
        dto::EventOut,
        dto::ActionBody,
        dto::ActionCode,
        dto::ActionOut,
        dto::MeasuresOut,
        dto::MetricsOut,
        dto::MetricsChildOut,
        dto::CalendarOut,
        dto::NotificationOut,
        dto::RankOut,
        dto::CountOut,
        dto::RepeatedOut,
        dto::OverdueOut,
        dto::NodeOverdueOut,
        routes::tracking::TrackIn,
        routes::tracking::TrackOut,
        routes::tracking::TrackStepOut,
        dto::MonthlyReportOut,
        dto::UnreadOut,
        routes::fund::FundEntryIn,
        routes::fund::RejectIn,
        routes::fund::FundEntryOut,
        routes::fund::LedgerOut,
        routes::fund::MonthTotalsOut,
        routes::fund::PublicFundOut,
        routes::supermarket::ItemIn,
        routes::supermarket::ItemOut,
        routes::supermarket::MovementIn,
        routes::supermarket::MovementOut,
        routes::supermarket::StatementLineOut,
        routes::supermarket::StatementOut,
        routes::roster::ColumnOut,
        routes::roster::PreviewOut,
        routes::roster::RowErrorOut,
        routes::roster::ImportOut,
        routes::roster::MappingIn,
        routes::roster::CommittedOut,
        routes::care::DueVisitOut,
        routes::care::DueListOut,
        routes::care::VisitOut,
        routes::care::VisitIn,
        routes::care::RaiseAppealIn,
        routes::care::CareEntryOut,
        routes::care::RulesIn,
        routes::care::CareProfileIn,
        routes::care::TeamIn,
        routes::care::MemberIn,
        routes::care::BlockIn,
        routes::care::PairingIn,
        routes::care::ContactIn,
    )),
    modifiers(&Security),
    tags(
        (name = "auth", description = "Sign-in sessions"),
        (name = "organization", description = "Org tree, departments, categories, teams, users"),
        (name = "people", description = "The people register"),
        (name = "appeals", description = "Appeals (诉求) and their closed loop"),
        (name = "care", description = "Care (党内关爱): register, visits (走访), rules, coverage, service teams, pairings (结对)"),
        (name = "metrics", description = "Measures per node and period"),
        (name = "notifications", description = "The caller's notices (通知)"),
        (name = "reports", description = "Monthly scoreboard and month-end report"),
        (name = "configuration", description = "Calendar and time limits"),
        (name = "care", description = "Aid fund (助困基金) and love supermarket (爱心超市)"),
        (name = "operations", description = "Health, metrics, this document"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::SESSION_COOKIE))),
        );
        openapi.security = Some(vec![
            utoipa::openapi::security::SecurityRequirement::new("bearer", Vec::<String>::new()),
            utoipa::openapi::security::SecurityRequirement::new("cookie", Vec::<String>::new()),
        ]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_lists_every_endpoint() {
        let doc: serde_json::Value =
            serde_json::from_str(&ApiDoc::openapi().to_json().expect("serializes"))
                .expect("parses");
        assert!(doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")));
        for (path, method) in [
            ("/api/v1/session", "post"),
            ("/api/v1/session", "get"),
            ("/api/v1/session", "delete"),
            ("/api/v1/org-units", "get"),
            ("/api/v1/departments", "get"),
            ("/api/v1/categories", "get"),
            ("/api/v1/users", "post"),
            ("/api/v1/people", "post"),
            ("/api/v1/people", "get"),
            ("/api/v1/people/{id}", "get"),
            ("/api/v1/people/{id}", "patch"),
            ("/api/v1/appeals", "post"),
            ("/api/v1/appeals", "get"),
            ("/api/v1/appeals/{id}", "get"),
            ("/api/v1/appeals/{id}/actions", "post"),
            ("/api/v1/metrics", "get"),
            ("/api/v1/ranking", "get"),
            ("/api/v1/reports/monthly", "get"),
            ("/api/v1/notifications", "get"),
            ("/api/v1/notifications/unread-count", "get"),
            ("/api/v1/notifications/{id}/read", "post"),
            ("/api/v1/calendar", "put"),
            ("/api/v1/time-limits", "put"),
            ("/api/v1/watch-rules", "put"),
            ("/api/v1/outbound", "put"),
            ("/api/v1/score-weights", "put"),
            ("/healthz", "get"),
            ("/metrics", "get"),
            ("/api/openapi.json", "get"),
            ("/api/v1/fund", "get"),
            ("/api/v1/fund/public", "get"),
            ("/api/v1/fund/pending", "get"),
            ("/api/v1/fund/entries", "post"),
            ("/api/v1/fund/entries/{id}/approve", "post"),
            ("/api/v1/fund/entries/{id}/reject", "post"),
            ("/api/v1/settings/fund-approval", "put"),
            ("/api/v1/supermarket/items", "get"),
            ("/api/v1/supermarket/items", "post"),
            ("/api/v1/supermarket/movements", "post"),
            ("/api/v1/supermarket/statement", "get"),
        ] {
            assert!(doc["paths"][path].get(method).is_some(), "{method} {path}");
        }
        assert!(doc["components"]["schemas"].get("AppealOut").is_some());
    }
}
