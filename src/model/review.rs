//! Review dates: a document in a status that `review-after` names must be
//! reviewed again within that many days of its `Last Reviewed` date (else
//! its `Date`). The due date depends only on the document and the
//! configuration; whether it has passed depends on "today", the one input
//! of a run that may come from the clock (see [`crate::date::today`]).

use super::BookModel;
use crate::analyze::table::plain;
use crate::config::Config;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Diagnostics, Lint};

/// When a document is due for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// The date it was last reviewed (or written).
    pub reviewed: Date,
    /// The date it must be reviewed by.
    pub due: Date,
    /// Whether `due` is before today (never, when the run has no today).
    pub overdue: bool,
}

/// Sets every document's review date and reports those past it
/// (`stale-document`) and review dates that are not dates
/// (`bad-review-date`). Dead documents are not reviewed.
pub fn judge(model: &mut BookModel, config: &Config, diags: &mut Diagnostics) {
    if config.review_after.is_empty() {
        return;
    }
    for d in &mut model.documents {
        let Some(status) = d.status.as_deref() else {
            continue;
        };
        let Some(days) = config.review_days(status) else {
            continue;
        };
        if !d.lifecycle.live {
            continue;
        }
        let Some((field, value)) = d.lifecycle.declared.reviewed.as_deref() else {
            continue;
        };
        let text = plain(&value.text);
        let text = text.trim();
        if text.is_empty()
            || crate::syntax::placeholder::placeholder_ranges(text)
                .next()
                .is_some()
        {
            continue;
        }
        let Some(reviewed) = Date::parse(text) else {
            diags.push(
                Diagnostic::new(
                    Lint::BadReviewDate,
                    format!(
                        "`{field}` is not a date, so the review due for {status} documents cannot be judged: {text}"
                    ),
                )
                .at(value.at.clone())
                .help("write the date as YYYY-MM-DD"),
            );
            continue;
        };
        let due = reviewed.add_days(i64::from(days));
        let overdue = config.today.is_some_and(|t| due < t);
        if overdue {
            diags.push(
                Diagnostic::new(
                    Lint::StaleDocument,
                    format!(
                        "this document is {status} and was due for review on {due} ({days} days after its {field} {reviewed})"
                    ),
                )
                .at(value.at.clone())
                .help(if field.eq_ignore_ascii_case("date") {
                    "review it and add `**Last Reviewed:** YYYY-MM-DD` to its header".to_string()
                } else {
                    format!("review it and update `{field}`")
                }),
            );
        }
        d.lifecycle.review = Some(Review {
            reviewed,
            due,
            overdue,
        });
    }
}
