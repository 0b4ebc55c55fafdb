//! The OpenAPI 3.1 document's frame: its info, security schemes and the DTOs' schemas. The
//! paths come from where each endpoint is declared: every area's `router()` collects its
//! handlers' `#[utoipa::path]` (`routes::api`). Served at `/api/openapi.json`.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::dto;
use crate::problem::{Problem, ProblemField, ProblemResponse};
use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Suqiu (诉求站) API",
        description = "The JSON API of Suqiu, software for community appeal stations. Errors are application/problem+json (RFC 9457). Sign in with POST /api/v1/session; send the token as `Authorization: Bearer …` or the `suqiu_session` cookie."
    ),
    components(responses(ProblemResponse), schemas(
        Problem,
        ProblemField,
        routes::auth::LoginIn,
        routes::account::PasswordChangeIn,
        routes::account::PasswordPolicyOut,
        routes::auth::SessionOut,
        routes::org::UserOut,
        routes::auth::WhoAmI,
        routes::org::NewUserIn,
        routes::org::OrgUnitOut,
        routes::org::DepartmentOut,
        routes::org::CategoryOut,
        routes::org::TeamOut,
        routes::people::PersonIn,
        routes::people::PersonPatch,
        routes::people::PersonOut,
        routes::people::RecordTrailOut,
        routes::audit::ReadOut,
        routes::people::PartyIn,
        routes::people::PartyOut,
        routes::appeals::AppealIn,
        routes::appeals::AppellantIn,
        routes::appeals::AppealOut,
        routes::appeals::AppellantOut,
        dto::RefOut,
        routes::appeals::EventOut,
        routes::appeals::ActionBody,
        routes::appeals::ActionCode,
        routes::appeals::ActionOut,
        routes::metrics::MeasuresOut,
        routes::metrics::MetricsOut,
        routes::metrics::MetricsChildOut,
        routes::config::CalendarOut,
        routes::notifications::NotificationOut,
        routes::reports::RankOut,
        routes::reports::CountOut,
        routes::reports::RepeatedOut,
        routes::reports::OverdueOut,
        routes::reports::NodeOverdueOut,
        routes::tracking::TrackIn,
        routes::tracking::TrackOut,
        routes::tracking::TrackStepOut,
        routes::reports::MonthlyReportOut,
        routes::notifications::UnreadOut,
        routes::fund::FundEntryIn,
        routes::fund::RejectIn,
        routes::fund::FundEntryOut,
        routes::fund::LedgerOut,
        routes::fund::MonthTotalsOut,
        routes::fund::PublicFundOut,
        routes::supermarket::ItemIn,
        suqiu_store::supermarket::Item,
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
        routes::care::visits::DueVisitOut,
        routes::care::visits::DueListOut,
        routes::care::visits::VisitOut,
        routes::care::visits::VisitIn,
        routes::care::visits::RaiseAppealIn,
        routes::care::CareEntryOut,
        routes::care::RulesIn,
        routes::care::CareProfileIn,
        routes::care::teams::TeamIn,
        routes::care::teams::MemberIn,
        routes::care::teams::BlockIn,
        routes::care::pairings::PairingIn,
        routes::care::pairings::ContactIn,
        routes::care::pairings::PairingEndIn,
        routes::wishes::WishIn,
        routes::wishes::FulfilIn,
        routes::wishes::WishOut,
        routes::wishes::WishMoveOut,
        routes::wishes::WishListOut,
        routes::service::PostIn,
        routes::service::PostOut,
        routes::service::RegistrationIn,
        routes::service::RegistrationOut,
        routes::service::HoursIn,
        routes::service::HoursOut,
        routes::service::MemberHoursOut,
        routes::service::PostHoursOut,
        routes::service::ServiceSummaryOut,
    )),
    modifiers(&Security),
    tags(
        (name = "auth", description = "Sign-in sessions"),
        (name = "organization", description = "Org tree, departments, categories, teams, users"),
        (name = "people", description = "The people register"),
        (name = "appeals", description = "Appeals (诉求) and their closed loop"),
        (name = "problems", description = "Problems (问题): appeals grouped into one problem, handled once through its lead"),
        (name = "public", description = "The public door: residents bring appeals with no account, and read the public board"),
        (name = "board", description = "The public board (公开栏): an appeal's public reply (written, reviewed, withdrawn) and 党务公开 items"),
        (name = "care", description = "Care (党内关爱): register, visits (走访), rules, coverage, service teams, pairings (结对)"),
        (name = "metrics", description = "Measures per node and period"),
        (name = "audit", description = "Who was shown whose unmasked personal data (auditors, district)"),
        (name = "notifications", description = "The caller's notices (通知)"),
        (name = "reports", description = "Monthly scoreboard and month-end report"),
        (name = "configuration", description = "Calendar and time limits"),
        (name = "care", description = "Aid fund (助困基金), love supermarket (爱心超市), micro-wishes (微心愿), in-service party members (在职党员报到)"),
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
    #[test]
    fn the_document_lists_every_endpoint() {
        // The document as served: the frame here, the paths from every area's router.
        let doc = crate::routes::api().into_openapi();
        let doc: serde_json::Value =
            serde_json::from_str(&doc.to_json().expect("serializes")).expect("parses");
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
            ("/api/v1/wishes", "get"),
            ("/api/v1/wishes", "post"),
            ("/api/v1/wishes/{id}/claim", "post"),
            ("/api/v1/wishes/{id}/fulfil", "post"),
            ("/api/v1/wishes/{id}/confirm", "post"),
            ("/api/v1/wishes/{id}/release", "post"),
            ("/api/v1/wishes/{id}/cancel", "post"),
            ("/api/v1/service/posts", "post"),
            ("/api/v1/service/registrations", "get"),
            ("/api/v1/service/hours", "post"),
            ("/api/v1/service/summary", "get"),
        ] {
            assert!(doc["paths"][path].get(method).is_some(), "{method} {path}");
        }
        assert!(doc["components"]["schemas"].get("AppealOut").is_some());
    }
}
