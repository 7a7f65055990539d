//! Pagination as AWS does it (API-REFERENCE §6): `maxResults` 0 (or absent) means
//! 100, `nextToken` is opaque, given only when more results exist, and valid only
//! for the same list; any other token is `InvalidToken`.
//!
//! A token holds the list it belongs to (its action and arguments) and the sort key
//! of the last item given, so a page starts after that item even when items were
//! added or removed meanwhile.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::state_machines::ARN;
use crate::catalog::{Listed, Page};
use crate::protocol::{ApiError, Kind, Member, Request};

/// `maxResults` of the list actions.
pub(super) const MAX_RESULTS: Kind = Kind::integer(0, 1000);
/// `nextToken` of the list actions.
pub(super) const NEXT_TOKEN: Kind = Kind::string(1, 1024);

/// The request of a list of the whole account (ListStateMachines, ListActivities).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListInput {
    /// `maxResults`.
    pub max_results: Option<i64>,
    /// `nextToken`.
    pub next_token: Option<String>,
}

impl Request for ListInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("maxResults", MAX_RESULTS),
        Member::new("nextToken", NEXT_TOKEN),
    ];
}

/// The request of a list of one state machine's (ListStateMachineVersions,
/// ListStateMachineAliases).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MachineListInput {
    /// `stateMachineArn`.
    pub state_machine_arn: String,
    /// `maxResults`.
    pub max_results: Option<i64>,
    /// `nextToken`.
    pub next_token: Option<String>,
}

impl Request for MachineListInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("stateMachineArn", ARN).required(),
        Member::new("nextToken", NEXT_TOKEN),
        Member::new("maxResults", MAX_RESULTS),
    ];
}

/// How many items a page has when `maxResults` is 0 or absent.
const DEFAULT_RESULTS: u32 = 100;

/// The page a list request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    list: String,
    after: Option<String>,
    limit: u32,
}

/// What a token holds.
#[derive(Serialize, Deserialize)]
struct Token {
    list: String,
    after: String,
}

impl Paging {
    /// The page of list `list` (the action and the arguments that pick the items)
    /// that `max_results` and `next_token` ask for.
    pub fn new(
        list: impl Into<String>,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<Paging, ApiError> {
        let list = list.into();
        let after = match next_token {
            None => None,
            Some(token) => {
                let token: Token = URL_SAFE_NO_PAD
                    .decode(token)
                    .ok()
                    .and_then(|bytes| serde_json::from_slice(&bytes).ok())
                    .filter(|token: &Token| token.list == list)
                    .ok_or_else(ApiError::invalid_token)?;
                Some(token.after)
            }
        };
        let limit = match max_results {
            None | Some(0) => DEFAULT_RESULTS,
            Some(n) => u32::try_from(n).unwrap_or(DEFAULT_RESULTS),
        };
        Ok(Paging { list, after, limit })
    }

    /// What to ask the catalog for: one item more than the page, to know whether
    /// another page follows.
    pub fn page(&self) -> Page<'_> {
        Page {
            after: self.after.as_deref(),
            limit: self.limit + 1,
        }
    }

    /// The sort key the page starts after.
    pub fn after(&self) -> Option<&str> {
        self.after.as_deref()
    }

    /// The page of `items` (what [`Paging::page`] asked for, or more, from the
    /// page's first item on) and the token of the next page, if there is one.
    pub fn finish<T: Listed>(&self, mut items: Vec<T>) -> (Vec<T>, Option<String>) {
        let limit = self.limit as usize;
        if items.len() <= limit {
            return (items, None);
        }
        items.truncate(limit);
        let token = items.last().map(|last| {
            let token = Token {
                list: self.list.clone(),
                after: last.cursor(),
            };
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&token).unwrap_or_default())
        });
        (items, token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Item(u32);

    impl Listed for Item {
        fn cursor(&self) -> String {
            self.0.to_string()
        }
    }

    #[test]
    fn zero_or_absent_max_results_mean_a_hundred() {
        for max in [None, Some(0)] {
            let paging = Paging::new("L", max, None).unwrap();
            assert_eq!(paging.page().limit, 101);
        }
    }

    #[test]
    fn a_token_resumes_its_own_list_only() {
        let paging = Paging::new("L a", Some(2), None).unwrap();
        let (items, token) = paging.finish(vec![Item(1), Item(2), Item(3)]);
        assert_eq!(items.len(), 2);
        let token = token.unwrap();
        let next = Paging::new("L a", Some(2), Some(&token)).unwrap();
        assert_eq!(next.after(), Some("2"));
        assert!(Paging::new("L b", Some(2), Some(&token)).is_err());
        assert!(Paging::new("L a", Some(2), Some("garbage")).is_err());
    }

    #[test]
    fn the_last_page_has_no_token() {
        let paging = Paging::new("L", Some(3), None).unwrap();
        let (items, token) = paging.finish(vec![Item(1), Item(2), Item(3)]);
        assert_eq!((items.len(), token), (3, None));
    }
}
