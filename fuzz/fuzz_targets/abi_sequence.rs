//! Arbitrary bytes decoded (with `arbitrary`) into a sequence of C ABI calls on one `:memory:` store:
//! save, find, find_by_id, delete, list, purge, with small pools of user names, tokens, ids and other
//! values (SQL injection strings, quotes, LIKE wildcards, long values, non-numeric ids, "", wrong JSON
//! types, NUL), raw JSON text and raw bytes, and NULL arguments. Each call is checked against a model
//! of the README's semantics, kept in this file:
//! - the status, and the returned token or list, equal the model's (a token as the ten values);
//! - every call returns a defined status 0..=8, never ZTS_INTERNAL; every returned token has exactly
//!   the ten keys; messages are non-empty and never contain a secret of the pools (all of which, and
//!   only which, contain "SECRET");
//! - after every call zts_list equals the model: ids unique, user names unique, numeric id order;
//! - a find returns a row whose key equals the query's (a token saved under user A is never returned
//!   for a query on user B); find_by_id of every listed id returns that row; after purge the list is
//!   empty;
//! - a new token without an id gets one more than the largest id the store ever held (deleted and
//!   purged ids are not issued again);
//! - a save by the id of a stored row is refused (ZTS_INVALID_TOKEN) when its user_name is stored under
//!   another id (found by this target: it used to leave one user in two rows; tests/fuzz_found.rs).
//!   When only its access, grant or refresh token is stored under another id, either outcome (the
//!   update, or the refusal) is accepted: tokens may already be shared by rows inserted for
//!   different users.
#![no_main]

mod common;

use arbitrary::Arbitrary;
use common::{c_prefix, c_string, check_list_json, check_token_json, Outcome, Store};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use std::ffi::{c_char, CStr};
use std::ptr;
use std::sync::OnceLock;
use zts::error::{ZTS_INVALID_ARGUMENT, ZTS_INVALID_TOKEN, ZTS_NOT_FOUND, ZTS_OK};
use zts::token::FIELDS;
use zts::Token;

const MAX_OPS: usize = 64;

#[derive(Arbitrary, Debug)]
enum Op {
    Save(Spec),
    Find(Spec),
    FindById(IdSel),
    Delete(IdSel),
    List,
    Purge,
    /// zts_save with both out pointers NULL.
    SaveNoOutputs(Spec),
    /// Arbitrary text as token JSON (the part before a NUL).
    SaveText(String),
    FindText(String),
    /// Arbitrary bytes, maybe not UTF-8, as token JSON or as an id.
    TokenBytes {
        save: bool,
        bytes: Vec<u8>,
    },
    IdBytes {
        delete: bool,
        bytes: Vec<u8>,
    },
    /// A call with a NULL store or a NULL required argument.
    Null(u8),
}

/// One selector per field, in FIELDS order: half the time the key is missing, else null, "", or a
/// value of that field's pool.
#[derive(Arbitrary, Debug)]
struct Spec([u8; 10]);

/// An id for find_by_id/delete: a stored one (or the next to be issued) or one of the pool.
#[derive(Arbitrary, Debug)]
struct IdSel(u8);

fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

/// Value pools by field. Secret fields' values contain "SECRET"; no other value does.
fn pool(field: usize) -> &'static [Value] {
    static POOLS: OnceLock<Vec<Vec<Value>>> = OnceLock::new();
    &POOLS.get_or_init(|| {
        vec![
            // id: the stored ids are added at run time (see `spec_json`)
            static_ids().iter().map(|id| s(id)).chain([json!(5), json!(null)]).collect(),
            // user_name
            vec![
                s("alice@example.com:1"),
                s("bob@example.com:2"),
                s("x' OR '1'='1"),
                s("\" OR \"\"=\""),
                s("'; DROP TABLE oauthtoken; --"),
                s("%"),
                s("_"),
                s("ALICE@example.com:1"),
                s(" alice@example.com:1"),
                s("ü名前@例え.jp:3"),
                s(&"u".repeat(3000)),
                s("Robert'); DROP TABLE Students;--"),
                s("\\"),
                s("\u{1}\t\n"),
            ],
            // client_id
            vec![s("1000.CID"), s("1000.OTHER"), s("c' OR '1'='1"), s("%")],
            // client_secret
            vec![s("cs-SECRET-alpha"), s("cs-SECRET-beta' OR '1'='1")],
            // refresh_token
            vec![
                s("1000.rt-SECRET-1"),
                s("1000.rt-SECRET-2"),
                s("rt-SECRET' OR '1'='1"),
                s(&format!("rt-SECRET-{}", "r".repeat(3000))),
                s("rt-SECRET-%"),
            ],
            // access_token
            vec![s("1000.at-SECRET-1"), s("1000.at-SECRET-2"), s("at-SECRET\" OR \"1\"=\"1"), s("at-SECRET-_")],
            // grant_token
            vec![s("1000.gt-SECRET-1"), s("gt-SECRET-'--"), s("gt-SECRET-2")],
            // expiry_time
            vec![
                s("4102444839397"),
                json!(4102444839397u64),
                json!(-5),
                s("007"),
                s("soon"),
                json!(1.5),
                s("99999999999999999999"),
                s("-"),
                s("4102444839397 "),
                json!(true),
            ],
            // redirect_url
            vec![s("http://localhost/cb"), s("x' OR '1'='1"), json!(7)],
            // api_domain
            vec![s("https://www.zohoapis.com"), s("a\u{0}b"), json!(["array"])],
        ]
    })[field]
}

fn static_ids() -> &'static [&'static str] {
    &[
        "1",
        "2",
        "3",
        "10",
        "11",
        "0",
        "01",
        "-1",
        "+1",
        "1a",
        "1.0",
        " 1",
        "x' OR '1'='1",
        "1 OR 1=1",
        "%",
        "",
        "١",
        "999999999999999999",
        "1000000000000000000",
        "9223372036854775807",
        "18446744073709551616",
    ]
}

/// ZTS_FUZZ_TRACE=1 prints every call and its outcome (for reading a reproducer).
fn trace() -> bool {
    static TRACE: OnceLock<bool> = OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("ZTS_FUZZ_TRACE").is_some_and(|v| v == "1"))
}

fuzz_target!(|ops: Vec<Op>| {
    // A fresh store per input: the largest id ever issued survives a purge, so a reused store would
    // make an input's outcome depend on the inputs before it.
    {
        let store = &Store::memory();
        let mut model = Model::default();
        for op in ops.iter().take(MAX_OPS) {
            if trace() {
                eprintln!("op: {op:?}");
            }
            step(store, &mut model, op);
            check_list(store, &model);
        }
        // Every listed id is found by find_by_id, as that row.
        for row in &model.rows {
            let id = row.id.as_deref().unwrap();
            let found = store.find_by_id(&c_string(id));
            assert!(found.ok(), "listed id {id:?} not found: {:?}", found.error);
            assert_eq!(&parse_out(&found), row);
        }
    }
});

/// The model: the rows in insertion (rowid) order, which is the order lookups return duplicates in,
/// and the largest id the store ever held (ids of deleted and purged tokens are not issued again).
#[derive(Clone, Default, Debug)]
struct Model {
    rows: Vec<Token>,
    largest_ever: i64,
}

type Expected = (Result<Option<Token>, i32>, Model);

fn get(t: &Token, field: usize) -> Option<&str> {
    t.values()[field].as_deref()
}

/// (field index, value) pairs the README's save rules match on, in order.
fn match_keys(t: &Token) -> Vec<(usize, &str)> {
    let (user, client_id, client_secret, refresh, access, grant) = (1, 2, 3, 4, 5, 6);
    if let Some(u) = get(t, user) {
        return vec![(user, u)];
    }
    let no_client = get(t, client_id).is_none() && get(t, client_secret).is_none();
    let both_client = get(t, client_id).is_some() && get(t, client_secret).is_some();
    if let (Some(a), true) = (get(t, access), no_client) {
        return vec![(access, a)];
    }
    if both_client {
        return [(grant, get(t, grant)), (refresh, get(t, refresh))]
            .into_iter()
            .filter_map(|(f, v)| v.map(|v| (f, v)))
            .collect();
    }
    Vec::new()
}

/// The find rules: the save rules, else the id when the query has none of the four rule keys.
fn find_keys(q: &Token) -> Option<Vec<(usize, &str)>> {
    let keys = match_keys(q);
    if !keys.is_empty() {
        return Some(keys);
    }
    let rule_key = [1, 4, 5, 6].iter().any(|f| get(q, *f).is_some());
    match (get(q, 0), rule_key) {
        (Some(id), false) => Some(vec![(0, id)]),
        _ => None,
    }
}

fn canonical_id(id: &str) -> bool {
    (1..=18).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()) && !id.starts_with('0')
}

fn expiry_ok(t: &Token) -> bool {
    t.expiry_time.as_deref().is_none_or(|e| {
        let digits = e.strip_prefix('-').unwrap_or(e);
        (1..=18).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

/// SQLite's CAST(id AS INTEGER) for the ids the model holds (decimal numbers).
fn numeric(id: &str) -> i64 {
    let digits: String = id.chars().take_while(char::is_ascii_digit).collect();
    digits.parse::<i64>().unwrap_or(if digits.is_empty() { 0 } else { i64::MAX })
}

impl Model {
    fn first(&self, (field, value): (usize, &str)) -> Option<usize> {
        self.rows.iter().position(|r| get(r, field) == Some(value))
    }

    fn sorted(&self) -> Vec<Token> {
        let mut rows = self.rows.clone();
        rows.sort_by(|a, b| {
            let (a, b) = (a.id.as_deref().unwrap(), b.id.as_deref().unwrap());
            numeric(a).cmp(&numeric(b)).then_with(|| a.cmp(b))
        });
        rows
    }

    fn next_id(&self) -> String {
        let max = self.rows.iter().map(|r| numeric(r.id.as_deref().unwrap())).max().unwrap_or(0);
        (max.max(self.largest_ever).max(0) as u64 + 1).to_string()
    }

    fn same(&self) -> Model {
        self.clone()
    }

    fn find(&self, q: &Token) -> Vec<Expected> {
        let result = match find_keys(q) {
            None => Err(ZTS_INVALID_TOKEN),
            Some(keys) => {
                keys.into_iter().find_map(|k| self.first(k)).map(|i| Some(self.rows[i].clone())).ok_or(ZTS_NOT_FOUND)
            }
        };
        vec![(result, self.same())]
    }

    /// The outcomes a save may have (more than one where the README leaves a choice).
    fn save(&self, t: &Token) -> Vec<Expected> {
        let refused = || vec![(Err(ZTS_INVALID_TOKEN), self.same())];
        if !expiry_ok(t) {
            return refused();
        }
        let existing = match get(t, 0) {
            Some(id) => self.first((0, id)),
            None => match_keys(t).into_iter().find_map(|k| self.first(k)),
        };
        match existing {
            Some(i) => {
                let mut merged = self.rows[i].clone();
                for (slot, new) in merged.values_mut().into_iter().zip(t.values()).skip(1) {
                    if new.is_some() {
                        slot.clone_from(new);
                    }
                }
                let mut next = self.same();
                next.rows[i] = merged.clone();
                let updated = vec![(Ok(Some(merged)), next)];
                if t.id.is_none() {
                    return updated; // matched by the rules: the rule key is this row's
                }
                let other =
                    |(f, v): (usize, &str)| self.rows.iter().enumerate().any(|(j, r)| j != i && get(r, f) == Some(v));
                let user_elsewhere = t.user_name.as_deref().is_some_and(|u| other((1, u)));
                if user_elsewhere {
                    return refused();
                }
                if match_keys(t).into_iter().any(other) {
                    let mut either = updated;
                    either.extend(refused());
                    return either;
                }
                updated
            }
            None => {
                let credential = [4, 5, 6].iter().any(|f| get(t, *f).is_some());
                if !credential {
                    return refused();
                }
                let mut new = t.clone();
                match get(t, 0) {
                    Some(id) => {
                        if !canonical_id(id) || match_keys(t).into_iter().any(|k| self.first(k).is_some()) {
                            return refused();
                        }
                    }
                    None => new.id = Some(self.next_id()),
                }
                let mut next = self.same();
                next.largest_ever = next.largest_ever.max(numeric(new.id.as_deref().unwrap()));
                next.rows.push(new.clone());
                vec![(Ok(Some(new)), next)]
            }
        }
    }

    fn find_by_id(&self, id: &str) -> Vec<Expected> {
        let result = if id.is_empty() {
            Err(ZTS_INVALID_ARGUMENT)
        } else {
            self.first((0, id)).map(|i| Some(self.rows[i].clone())).ok_or(ZTS_NOT_FOUND)
        };
        vec![(result, self.same())]
    }

    fn delete(&self, id: &str) -> Vec<Expected> {
        if id.is_empty() {
            return vec![(Err(ZTS_INVALID_ARGUMENT), self.same())];
        }
        match self.first((0, id)) {
            None => vec![(Err(ZTS_NOT_FOUND), self.same())],
            Some(i) => {
                let mut next = self.same();
                next.rows.remove(i);
                vec![(Ok(None), next)]
            }
        }
    }
}

/// The token JSON of a spec, resolving id selectors against the stored ids at this point.
fn spec_json(spec: &Spec, model: &Model) -> String {
    let mut map = serde_json::Map::new();
    for (field, sel) in spec.0.iter().enumerate() {
        let value = match sel % 8 {
            0..=3 => continue,
            4 => Value::Null,
            5 => s(""),
            _ => {
                let n = usize::from(sel / 8);
                if field == 0 && n % 2 == 0 && !model.rows.is_empty() {
                    s(&id_choice(model, n / 2))
                } else {
                    let pool = pool(field);
                    pool[n % pool.len()].clone()
                }
            }
        };
        map.insert(FIELDS[field].to_owned(), value);
    }
    Value::Object(map).to_string()
}

/// A stored id, or the next one to be issued.
fn id_choice(model: &Model, n: usize) -> String {
    let stored = model.rows.len();
    if n % (stored + 1) == stored {
        model.next_id()
    } else {
        model.rows[n % (stored + 1)].id.clone().unwrap()
    }
}

fn id_of(sel: &IdSel, model: &Model) -> String {
    let n = usize::from(sel.0);
    if n % 2 == 0 {
        id_choice(model, n / 2)
    } else {
        let ids = static_ids();
        ids[(n / 2) % ids.len()].to_owned()
    }
}

fn parse_out(outcome: &Outcome) -> Token {
    let json = outcome.out.as_deref().expect("an output");
    check_token_json(json);
    Token::from_json(json).unwrap_or_else(|e| panic!("a returned token does not parse: {e}: {json}"))
}

/// Compares a call's outcome with the model's possible outcomes and moves the model on.
fn settle(what: &str, outcome: &Outcome, expected: Vec<Expected>, model: &mut Model, has_output: bool) {
    if trace() {
        eprintln!("  {what} -> {} {:?} {:?}", outcome.status, outcome.out, outcome.error);
    }
    let actual: Result<Option<Token>, i32> = if outcome.ok() {
        Ok(if has_output && outcome.out.is_some() { Some(parse_out(outcome)) } else { None })
    } else {
        Err(outcome.status)
    };
    let matching = expected.iter().find(|(result, _)| match (result, &actual) {
        (Ok(want), Ok(got)) => got.is_none() || want == got,
        (Err(want), Err(got)) => want == got,
        _ => false,
    });
    match matching {
        Some((_, next)) => *model = next.clone(),
        None => panic!(
            "{what}: zts gave {actual:?} (message {:?}); the model expected one of {:?}\nmodel rows: {:?}",
            outcome.error,
            expected.iter().map(|(r, _)| r).collect::<Vec<_>>(),
            model.rows
        ),
    }
}

fn no_secret(what: &str, outcome: &Outcome) {
    if let Some(message) = &outcome.error {
        assert!(!message.contains("SECRET"), "{what}: a secret value appears in the message: {message}");
    }
}

/// A find's row must carry the query's key: user A's token is never returned for user B.
fn check_found_matches(q: &Token, outcome: &Outcome) {
    if !outcome.ok() {
        return;
    }
    let found = parse_out(outcome);
    let keys = find_keys(q).expect("a find without keys succeeded");
    assert!(
        keys.iter().any(|(f, v)| get(&found, *f) == Some(*v)),
        "zts_find returned a row that does not carry the query's key: query {q:?}, row {found:?}"
    );
}

fn token_op(store: &Store, model: &mut Model, save: bool, json: &CStr, spec: bool) {
    let what = if save { "zts_save" } else { "zts_find" };
    if trace() {
        eprintln!("  {what}({json:?})");
    }
    let outcome = if save { store.save(json) } else { store.find(json) };
    if spec {
        no_secret(what, &outcome);
    }
    let Ok(text) = json.to_str() else {
        assert_eq!(outcome.status, ZTS_INVALID_ARGUMENT, "{what} with non-UTF-8 JSON: {:?}", outcome.error);
        return;
    };
    match Token::from_json(text) {
        Err(e) => {
            assert_eq!(outcome.status, e.status as i32, "{what}: not the status of Token::from_json");
            assert_eq!(outcome.error.as_deref(), Some(e.message.as_str()));
        }
        Ok(t) => {
            if save {
                settle(what, &outcome, model.save(&t), model, true);
            } else {
                check_found_matches(&t, &outcome);
                settle(what, &outcome, model.find(&t), model, true);
            }
        }
    }
}

fn id_op(store: &Store, model: &mut Model, delete: bool, id: &CStr) {
    let what = if delete { "zts_delete" } else { "zts_find_by_id" };
    if trace() {
        eprintln!("  {what}({id:?})");
    }
    let outcome = if delete { store.delete(id) } else { store.find_by_id(id) };
    let Ok(id) = id.to_str() else {
        assert_eq!(outcome.status, ZTS_INVALID_ARGUMENT, "{what} with a non-UTF-8 id: {:?}", outcome.error);
        return;
    };
    let expected = if delete { model.delete(id) } else { model.find_by_id(id) };
    settle(what, &outcome, expected, model, !delete);
}

fn step(store: &Store, model: &mut Model, op: &Op) {
    match op {
        Op::Save(spec) => token_op(store, model, true, &c_string(&spec_json(spec, model)), true),
        Op::Find(spec) => token_op(store, model, false, &c_string(&spec_json(spec, model)), true),
        Op::SaveText(text) => token_op(store, model, true, &c_string(text), false),
        Op::FindText(text) => token_op(store, model, false, &c_string(text), false),
        Op::TokenBytes { save, bytes } => token_op(store, model, *save, &c_prefix(bytes), false),
        Op::FindById(sel) => id_op(store, model, false, &c_string(&id_of(sel, model))),
        Op::Delete(sel) => id_op(store, model, true, &c_string(&id_of(sel, model))),
        Op::IdBytes { delete, bytes } => id_op(store, model, *delete, &c_prefix(bytes)),
        Op::List => {} // every step is followed by a list check
        Op::Purge => {
            let outcome = store.purge();
            assert!(outcome.ok(), "zts_purge: {:?}", outcome.error);
            model.rows.clear();
            let list = store.list();
            assert_eq!(list.out.as_deref(), Some("[]"), "the list after a purge is not empty");
        }
        Op::SaveNoOutputs(spec) => {
            let json = c_string(&spec_json(spec, model));
            let outcome = store.save_with(Some(&json), false, false);
            let t = Token::from_json(json.to_str().unwrap());
            match t {
                Err(e) => assert_eq!(outcome.status, e.status as i32),
                Ok(t) => settle("zts_save(NULL outs)", &outcome, model.save(&t), model, false),
            }
        }
        Op::Null(which) => null_call(store, *which),
    }
}

/// A NULL where a value is required gives ZTS_INVALID_ARGUMENT and changes nothing.
fn null_call(store: &Store, which: u8) {
    let none = Store::null();
    let token = c"{\"user_name\":\"alice@example.com:1\",\"access_token\":\"1000.at-SECRET-1\"}";
    let outcome = match which % 11 {
        0 => none.save(token),
        1 => store.save_with(None, true, true),
        2 => none.find(token),
        3 => store.find_with(None),
        4 => store.find_by_id_with(None),
        5 => store.delete_with(None),
        6 => none.list(),
        7 => none.purge(),
        8 => none.find_by_id(c"1"),
        9 => none.delete(c"1"),
        _ => {
            // Every out pointer NULL on a call that succeeds.
            let status = unsafe { zts::ffi::zts_list(store.0, ptr::null_mut(), ptr::null_mut::<*mut c_char>()) };
            assert_eq!(status, ZTS_OK, "zts_list with NULL out pointers");
            return;
        }
    };
    assert_eq!(outcome.status, ZTS_INVALID_ARGUMENT, "a NULL argument (case {}): {:?}", which % 11, outcome.error);
    let message = outcome.error.unwrap();
    assert!(message.contains("NULL"), "a NULL argument: the message does not say so: {message}");
}

/// zts_list equals the model: every row, numeric id order; ids and user names unique.
fn check_list(store: &Store, model: &Model) {
    let list = store.list();
    assert!(list.ok(), "zts_list: {:?}", list.error);
    let json = list.out.as_deref().unwrap();
    check_list_json(json);
    let tokens: Vec<Token> = serde_json::from_str::<Vec<Value>>(json)
        .unwrap()
        .iter()
        .map(|t| Token::from_json(&t.to_string()).expect("a listed token parses"))
        .collect();
    let mut ids: Vec<&str> = tokens.iter().map(|t| t.id.as_deref().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), tokens.len(), "two listed rows share an id: {json}");
    let mut users: Vec<&str> = tokens.iter().filter_map(|t| t.user_name.as_deref()).collect();
    let named = users.len();
    users.sort_unstable();
    users.dedup();
    assert_eq!(users.len(), named, "two listed rows share a user_name: {json}");
    assert_eq!(tokens, model.sorted(), "zts_list differs from the model");
}
