//! What several endpoints ask and answer alike, parsed and documented once: a node's month
//! (`org_unit`, `month`, `format`) and the answer that is JSON or, with `format=xlsx`, a
//! workbook.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use suqiu_core::report::Month;
use suqiu_core::Id;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::Required;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{PartialSchema, ToSchema};

use crate::extract::Params;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

/// The query of a node's month (the supermarket's statement, the month-end report):
/// `org_unit` (default the caller's node), `month` (`YYYY-MM`, default this month) and
/// `format=json|xlsx`. Its parameters are documented with `params(MonthlyQuery)`.
pub struct MonthlyQuery {
    pub org_unit_id: Option<Id>,
    pub month: Month,
    pub xlsx: bool,
}

impl MonthlyQuery {
    /// The query, or every fault in it at once (422).
    pub(crate) fn parse(state: &AppState, params: &Params) -> ApiResult<MonthlyQuery> {
        let mut errors = Vec::new();
        let org_unit_id = params.id("org_unit", &mut errors);
        let month = crate::app::month(state, params.str("month"))
            .map_err(|e| errors.push(e))
            .ok();
        let xlsx = params.xlsx_format(&mut errors);
        let (Some(month), true) = (month, errors.is_empty()) else {
            return Err(Problem::invalid(errors));
        };
        Ok(MonthlyQuery {
            org_unit_id,
            month,
            xlsx,
        })
    }
}

impl utoipa::IntoParams for MonthlyQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let optional = |name: &str, schema: RefOr<utoipa::openapi::Schema>, description: &str| {
            ParameterBuilder::from(Parameter::new(name))
                .parameter_in(ParameterIn::Query)
                .description(Some(description))
                .required(Required::False)
                .schema(Some(schema))
                .build()
        };
        vec![
            optional("org_unit", i64::schema(), "default: the caller's node"),
            optional("month", String::schema(), "YYYY-MM; default this month"),
            optional("format", String::schema(), "json (default) or xlsx"),
        ]
    }
}

/// The 200 of an endpoint that answers `T` as JSON or, with `format=xlsx`, a workbook:
/// `responses(JsonOrWorkbook::<T>, …)`.
pub struct JsonOrWorkbook<T>(PhantomData<T>);

impl<T: ToSchema> utoipa::IntoResponses for JsonOrWorkbook<T> {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let json = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name(T::name())))
            .build();
        let ok = ResponseBuilder::new()
            .description("JSON, or the .xlsx workbook")
            .content("application/json", json)
            .build();
        BTreeMap::from([("200".to_string(), RefOr::T(ok))])
    }
}
