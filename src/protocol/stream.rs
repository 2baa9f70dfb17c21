//! The input read as it arrives: the context as soon as its last byte is
//! read, then the book's top-level items in runs, each run as soon as its
//! items are complete, so that chapters are analyzed while mdBook is still
//! writing the rest of the book.
//!
//! The parts (the context, the book's items and its other members) are
//! found without parsing them: only the bytes between them are read here
//! (brackets, commas, colons, whitespace), and a part is skipped by its
//! brackets and strings alone; serde_json reads each part afterwards, so
//! every byte is still checked by one of the two. Anything not plainly of
//! the expected shape (a key written with escapes, a key twice, both
//! `items` and `sections`, a value where an array belongs), and anything
//! that does not parse, ends in [`Next::Whole`]: every byte of the input as
//! it came, which the caller parses whole, so that errors read as they do
//! without this.

use super::read::{RawItem, parse_context, parse_items, valid_member};
use super::{BookShape, Context};
use std::collections::VecDeque;
use std::io::Read;
use std::ops::Range;
use std::sync::Arc;

/// Bytes read at least before the walk is tried again. An item's walk goes
/// on where it stopped; any other part (the context, a key, a member's
/// value) is walked again from its start, once the window holds twice what
/// it held of the part, so that none is walked over more than about twice,
/// however slowly it arrives.
const CHUNK: usize = 256 << 10;

/// At most this many items in a run: a book's items differ in cost by
/// orders of magnitude, and an idle thread should find a run to take.
const RUN_ITEMS: usize = 32;

/// The items read are handed out once they hold this many bytes (or when
/// the walk waits for more), in runs of at most [`RUN_ITEMS`] that share
/// one buffer.
const RUN_BYTES: usize = 256 << 10;

/// The input, read as it arrives.
pub struct Incoming<R> {
    source: R,
    /// Bytes read and not yet handed out in a run.
    window: Vec<u8>,
    /// The address space each window is given (see [`Incoming::with_reserve`]).
    reserve: usize,
    /// Items of this many bytes are moved out of the window, not copied
    /// ([`MOVE_BYTES`]; less in tests).
    move_bytes: usize,
    /// Where the walk is in `window`.
    at: usize,
    /// Whether `source` has ended.
    eof: bool,
    /// `window` must hold this many bytes before the walk is tried again.
    want: usize,
    /// Bytes read at least before the walk is tried again ([`CHUNK`]; less
    /// in tests).
    chunk: usize,
    state: State,
    /// Complete items of `window` not yet handed out.
    items: Vec<Range<usize>>,
    /// How far the walk got into the item that is not complete yet.
    item: Option<Partial>,
    /// Runs cut from the window and not yet handed out.
    ready: VecDeque<ItemRun>,
    /// How many runs were cut.
    runs: usize,
    /// Every buffer cut from the window, in order: with `window`, the input
    /// as it came.
    handed: Vec<Arc<Vec<u8>>>,
    shape: Option<BookShape>,
    /// The book's members that are not its items (key, value), to be
    /// checked at the end.
    others: Vec<(Vec<u8>, Vec<u8>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// After the context.
    AfterContext,
    /// At a key of the book object.
    Key,
    /// In the items array, at an item (`first`: right after its `[`).
    Items { first: bool },
    /// After a member's value.
    AfterMember,
    /// After the book object's `}`.
    Closing,
}

/// How the input begins.
pub enum Start {
    /// The context; the items follow from [`Incoming::next_part`].
    Context(Context),
    /// The whole input, to be parsed whole.
    Whole(Vec<u8>),
}

/// What comes next.
pub enum Next {
    /// Some complete items.
    Items(ItemRun),
    /// The book is complete: every item was handed out.
    End(BookShape),
    /// The whole input, to be parsed whole.
    Whole(Vec<u8>),
}

/// Some top-level items of the book, in a buffer cut from the input (which
/// the runs cut with them share).
pub struct ItemRun {
    /// The run's place among the runs, from 0.
    pub index: usize,
    buffer: Arc<Vec<u8>>,
    items: Vec<Range<usize>>,
}

impl ItemRun {
    /// The items, with chapter contents left as JSON literals of the run's
    /// buffer; `None` if one is not an item.
    pub fn parse(&self) -> Option<Vec<RawItem>> {
        parse_items(&self.buffer, &self.items)
    }
}

/// What one step of the walk found.
enum Step {
    /// It moved on.
    On,
    /// The part at the walk's place is not complete yet.
    More,
    /// The input is not of the expected shape.
    Bad,
}

impl<R: Read> Incoming<R> {
    /// The input of `source`, nothing read yet.
    pub fn new(source: R) -> Self {
        Self::with_reserve(source, 0)
    }

    /// The input of `source`, read into a window of `reserve` bytes of
    /// address space, if the system grants them: a reservation costs no
    /// memory until it is written to, and a large item read into it is
    /// never copied to a larger buffer (each copy touches fresh pages, and
    /// the allocator keeps the ones freed for a while).
    pub fn with_reserve(source: R, reserve: usize) -> Self {
        Incoming {
            source,
            window: reserved(reserve),
            reserve,
            move_bytes: MOVE_BYTES,
            at: 0,
            eof: false,
            want: 0,
            chunk: CHUNK,
            state: State::AfterContext,
            items: Vec::new(),
            item: None,
            ready: VecDeque::new(),
            runs: 0,
            handed: Vec::new(),
            shape: None,
            others: Vec::new(),
        }
    }

    /// Reads up to the end of the context.
    pub fn start(&mut self) -> std::io::Result<Start> {
        loop {
            let window = &self.window;
            let from = skip_ws(window, 0);
            let Some(at) = expect(window, from, b'[') else {
                if self.wait(from)? {
                    continue;
                }
                return self.whole().map(Start::Whole);
            };
            let begin = skip_ws(window, at);
            // A configuration can be large: the walk through an object goes
            // on where it stopped; anything else (which will not parse as a
            // context) is walked again once twice as much has come.
            let (end, from) = match window.get(begin) {
                Some(b'{') => (
                    self.item.get_or_insert(Partial::new(begin)).walk(window),
                    window.len(),
                ),
                _ => (
                    skip_value(window, begin).filter(|&end| end < window.len()),
                    begin,
                ),
            };
            let Some(end) = end else {
                if self.wait(from)? {
                    continue;
                }
                return self.whole().map(Start::Whole);
            };
            let Some(context) = parse_context(&window[begin..end]) else {
                return self.whole().map(Start::Whole);
            };
            self.item = None;
            self.at = end;
            return Ok(Start::Context(context));
        }
    }

    /// Reads on to the next run of complete items, or to the end.
    pub fn next_part(&mut self) -> std::io::Result<Next> {
        loop {
            if let Some(run) = self.ready.pop_front() {
                return Ok(Next::Items(run));
            }
            match self.walk() {
                Step::On => {}
                Step::Bad => return self.whole().map(Next::Whole),
                Step::More => {
                    if self.cut() {
                        continue;
                    }
                    if self.eof {
                        return self.whole().map(Next::Whole);
                    }
                    self.fill()?;
                    continue;
                }
            }
            if self.run_bytes() >= RUN_BYTES {
                self.cut();
                continue;
            }
            if self.state == State::Closing {
                match self.close() {
                    Step::On => {}
                    Step::More => {
                        self.fill()?;
                        continue;
                    }
                    Step::Bad => return self.whole().map(Next::Whole),
                }
                if self.cut() {
                    continue;
                }
                match self.shape {
                    Some(shape) if self.others_valid() => return Ok(Next::End(shape)),
                    _ => return self.whole().map(Next::Whole),
                }
            }
        }
    }

    /// Every byte of the input, the rest of it read: for the whole parse,
    /// when the parts cannot be used.
    pub fn whole(&mut self) -> std::io::Result<Vec<u8>> {
        let len = self.handed.iter().map(|b| b.len()).sum::<usize>() + self.window.len();
        let mut all = Vec::with_capacity(len + self.chunk);
        for b in &self.handed {
            all.extend_from_slice(b);
        }
        all.extend_from_slice(&self.window);
        if !self.eof {
            self.source.read_to_end(&mut all)?;
            self.eof = true;
        }
        Ok(all)
    }

    /// The bytes of the complete items not yet handed out.
    fn run_bytes(&self) -> usize {
        match (self.items.first(), self.items.last()) {
            (Some(a), Some(b)) => b.end - a.start,
            _ => 0,
        }
    }

    /// One step of the walk over the book object.
    fn walk(&mut self) -> Step {
        let window = &self.window;
        let at = skip_ws(window, self.at);
        match self.state {
            State::AfterContext => {
                // After the context: `,` and the book's `{`.
                let Some(comma) = expect(window, at, b',') else {
                    return self.missing(at);
                };
                let open = skip_ws(window, comma);
                let Some(next) = expect(window, open, b'{') else {
                    return self.missing(open);
                };
                self.at = next;
                self.state = State::Key;
            }
            State::Key => {
                match window.get(at) {
                    Some(b'"') => {}
                    Some(_) => return Step::Bad,
                    None => return self.missing(at),
                }
                let Some(key_end) = skip_string(window, at) else {
                    return self.missing(at);
                };
                let key = &window[at + 1..key_end - 1];
                if key.contains(&b'\\') {
                    return Step::Bad;
                }
                let colon = skip_ws(window, key_end);
                let Some(value) = expect(window, colon, b':') else {
                    return self.missing(colon);
                };
                let value = skip_ws(window, value);
                let shape = match key {
                    b"items" => Some(BookShape::Items),
                    b"sections" => Some(BookShape::Sections),
                    _ => None,
                };
                match shape {
                    Some(shape) => {
                        if self.shape.is_some() {
                            return Step::Bad;
                        }
                        let Some(open) = expect(window, value, b'[') else {
                            return self.missing(value);
                        };
                        self.shape = Some(shape);
                        self.at = open;
                        self.state = State::Items { first: true };
                    }
                    None => {
                        // A number or a literal runs to the next delimiter,
                        // which may not have come yet.
                        let end = skip_value(window, value).filter(|&e| e < window.len());
                        let Some(end) = end else {
                            return self.missing(at);
                        };
                        self.others
                            .push((window[at..key_end].to_vec(), window[value..end].to_vec()));
                        self.at = end;
                        self.state = State::AfterMember;
                    }
                }
            }
            State::Items { first } => {
                if first && window.get(at) == Some(&b']') {
                    self.at = at + 1;
                    self.state = State::AfterMember;
                    return Step::On;
                }
                match window.get(at) {
                    Some(b'{' | b'"') => {}
                    Some(_) => return Step::Bad,
                    None => return self.missing(at),
                }
                // An item can be large (a chapter of megabytes, or a book's
                // every chapter nested under one): the walk through it
                // goes on where it stopped.
                let item = self.item.get_or_insert(Partial::new(at));
                let Some(end) = item.walk(window) else {
                    return self.missing(window.len());
                };
                let after = skip_ws(window, end);
                let state = match window.get(after) {
                    Some(b',') => State::Items { first: false },
                    Some(b']') => State::AfterMember,
                    Some(_) => return Step::Bad,
                    None => return self.missing(window.len()),
                };
                self.item = None;
                self.items.push(at..end);
                self.at = after + 1;
                self.state = state;
            }
            State::AfterMember => match window.get(at) {
                Some(b',') => {
                    self.at = at + 1;
                    self.state = State::Key;
                }
                Some(b'}') => {
                    self.at = at + 1;
                    self.state = State::Closing;
                }
                Some(_) => return Step::Bad,
                None => return self.missing(at),
            },
            State::Closing => {}
        }
        Step::On
    }

    /// After the book object: `]`, then only whitespace to the end.
    fn close(&mut self) -> Step {
        let at = skip_ws(&self.window, self.at);
        let Some(end) = expect(&self.window, at, b']') else {
            return self.missing(at);
        };
        if skip_ws(&self.window, end) != self.window.len() {
            return Step::Bad;
        }
        if !self.eof {
            return self.missing(at);
        }
        Step::On
    }

    /// The step waiting at `from` of the window for bytes yet to come:
    /// [`Step::More`], or at the end of the input [`Step::Bad`].
    fn missing(&mut self, from: usize) -> Step {
        if self.eof {
            return Step::Bad;
        }
        self.want =
            self.window.len() + (self.window.len() - from.min(self.window.len())).max(self.chunk);
        Step::More
    }

    /// Waits for more of the part that starts at `from`: `false` at the end
    /// of the input.
    fn wait(&mut self, from: usize) -> std::io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let _ = self.missing(from);
        self.fill()?;
        Ok(true)
    }

    /// Reads until the window holds what the walk waits for, or the input
    /// ends.
    fn fill(&mut self) -> std::io::Result<()> {
        let need = self.want.saturating_sub(self.window.len()).max(1);
        let had = self.window.len();
        self.window.reserve(need);
        (&mut self.source)
            .take(need as u64)
            .read_to_end(&mut self.window)?;
        if self.window.len() - had < need {
            self.eof = true;
        }
        Ok(())
    }

    /// Cuts the complete items not yet handed out from the window into a
    /// buffer of their own (with whatever came before them in the window),
    /// in runs of at most [`RUN_ITEMS`]; `false` if there are none.
    fn cut(&mut self) -> bool {
        let Some(cut) = self.items.last().map(|r| r.end) else {
            return false;
        };
        let rest = self.window.len() - cut;
        let buffer = if cut >= self.move_bytes && rest <= cut / 16 {
            // A large item, and little after it: the window becomes its
            // buffer rather than copied, and what follows a new window.
            let mut next = reserved(self.reserve.max(rest));
            next.extend_from_slice(&self.window[cut..]);
            let mut buffer = std::mem::replace(&mut self.window, next);
            buffer.truncate(cut);
            buffer
        } else {
            let buffer = self.window[..cut].to_vec();
            self.window.drain(..cut);
            buffer
        };
        let buffer = Arc::new(buffer);
        self.at -= cut;
        if let Some(item) = &mut self.item {
            item.moved(cut);
        }
        self.handed.push(Arc::clone(&buffer));
        let items = std::mem::take(&mut self.items);
        for run in items.chunks(RUN_ITEMS) {
            self.ready.push_back(ItemRun {
                index: self.runs,
                buffer: Arc::clone(&buffer),
                items: run.to_vec(),
            });
            self.runs += 1;
        }
        true
    }

    /// Whether the book's other members are a JSON string and a JSON value
    /// each.
    fn others_valid(&self) -> bool {
        self.others.iter().all(|(k, v)| valid_member(k, v))
    }
}

/// Items cut from the window are copied out of it (and the window, whose
/// pages stay, reused) unless they hold this many bytes and little follows
/// them.
const MOVE_BYTES: usize = 16 << 20;

/// An empty buffer of `bytes` of address space, or less if the system
/// refuses them.
fn reserved(bytes: usize) -> Vec<u8> {
    let mut v = Vec::new();
    if v.try_reserve_exact(bytes).is_err() {
        let _ = v.try_reserve_exact(bytes.min(CHUNK));
    }
    v
}

/// The position after `byte`, which must be at `at`.
fn expect(input: &[u8], at: usize, byte: u8) -> Option<usize> {
    (input.get(at) == Some(&byte)).then_some(at + 1)
}

/// The first position at or after `at` that is not JSON whitespace.
fn skip_ws(input: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = input.get(at) {
        at += 1;
    }
    at
}

/// The end of the string that starts at `at` (after its closing quote), if
/// it ends in `input`.
fn skip_string(input: &[u8], at: usize) -> Option<usize> {
    expect(input, at, b'"')?;
    Partial::new(at).walk(input)
}

/// The end of the value that starts at `at`, found by its brackets and
/// strings (what lies between them is left to the parser), if it ends in
/// `input`. A number or a literal runs to the next delimiter, or to the end
/// of `input`.
fn skip_value(input: &[u8], at: usize) -> Option<usize> {
    match input.get(at)? {
        b'"' | b'[' | b'{' => Partial::new(at).walk(input),
        _ => {
            let end = input[at..]
                .iter()
                .position(|b| matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r'))
                .map_or(input.len(), |i| at + i);
            (end > at).then_some(end)
        }
    }
}

/// How far the walk got into a value that is not complete yet, by its
/// brackets and strings: it stops at the end of the bytes read and goes on
/// from there when more come.
#[derive(Debug, Clone, Copy)]
struct Partial {
    /// Where the walk goes on.
    at: usize,
    /// The brackets open.
    depth: usize,
    /// Where the string the walk is in starts (after its opening quote).
    string: Option<usize>,
    /// Where the item ends, once the walk found it.
    end: Option<usize>,
}

impl Partial {
    /// The walk of the value that starts at `at` (a `{`, a `[` or a `"`).
    fn new(at: usize) -> Self {
        Partial {
            at,
            depth: 0,
            string: None,
            end: None,
        }
    }

    /// The window lost its first `cut` bytes.
    fn moved(&mut self, cut: usize) {
        self.at -= cut;
        if let Some(s) = &mut self.string {
            *s -= cut;
        }
        if let Some(e) = &mut self.end {
            *e -= cut;
        }
    }

    /// Walks on through `input`: where the item ends, or `None` if it does
    /// not end in `input` (the walk then stops at its end).
    fn walk(&mut self, input: &[u8]) -> Option<usize> {
        if self.end.is_none() {
            self.end = self.walk_on(input);
        }
        self.end
    }

    /// [`Partial::walk`], up to the item's end.
    fn walk_on(&mut self, input: &[u8]) -> Option<usize> {
        loop {
            if let Some(start) = self.string {
                // A chapter's text escapes every line break, so the search
                // is for quotes alone: a quote ends the string unless an odd
                // run of backslashes comes before it.
                let Some(k) = input.get(self.at..).and_then(|r| memchr::memchr(b'"', r)) else {
                    self.at = input.len().max(self.at);
                    return None;
                };
                let i = self.at + k;
                let backslashes = input[start..i]
                    .iter()
                    .rev()
                    .take_while(|&&b| b == b'\\')
                    .count();
                self.at = i + 1;
                if backslashes % 2 == 0 {
                    self.string = None;
                    if self.depth == 0 {
                        return Some(self.at);
                    }
                }
                continue;
            }
            let b = *input.get(self.at)?;
            self.at += 1;
            match b {
                b'"' => self.string = Some(self.at),
                b'[' | b'{' => self.depth += 1,
                b']' | b'}' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return Some(self.at);
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::read::tests::sample_inputs;
    use crate::protocol::read::{RawBook, parse_input_raw};

    /// A source that gives at most `most` bytes a read.
    struct Trickle<'a> {
        rest: &'a [u8],
        most: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.most.min(buf.len()).min(self.rest.len());
            buf[..n].copy_from_slice(&self.rest[..n]);
            self.rest = &self.rest[n..];
            Ok(n)
        }
    }

    /// The input read as it arrives, `most` bytes a read: the context and
    /// the book, or the whole input.
    fn streamed(input: &[u8], most: usize) -> Result<(Context, RawBook), Vec<u8>> {
        let mut incoming = Incoming::new(Trickle { rest: input, most });
        // Read in pieces as small as the source's, so that the walk stops
        // and goes on at every place a part can be cut; items both copied
        // and moved out of the window.
        incoming.chunk = most;
        incoming.move_bytes = 64 * most;
        let context = match incoming.start().unwrap() {
            Start::Context(c) => c,
            Start::Whole(w) => return Err(w),
        };
        let mut runs = Vec::new();
        let shape = loop {
            match incoming.next_part().unwrap() {
                Next::Items(run) => {
                    assert_eq!(run.index, runs.len());
                    runs.push(run);
                }
                Next::End(shape) => break shape,
                Next::Whole(w) => return Err(w),
            }
        };
        let Some(runs) = runs.iter().map(ItemRun::parse).collect::<Option<Vec<_>>>() else {
            return Err(incoming.whole().unwrap());
        };
        let items = runs.into_iter().flatten().collect();
        Ok((context, RawBook { items, shape }))
    }

    /// The book as it would be written back unchanged, and every chapter's
    /// literal.
    fn written(book: &RawBook) -> (Vec<u8>, Vec<Vec<u8>>) {
        let mut out = Vec::new();
        book.write(&[], &mut out).unwrap();
        let literals = book
            .chapters()
            .iter()
            .map(|c| c.content.raw().to_vec())
            .collect();
        (out, literals)
    }

    /// Either the stream gives what the whole parse gives, or it gives the
    /// input back, byte for byte.
    fn agrees(input: &[u8], most: usize) {
        let whole = parse_input_raw(&Arc::new(input.to_vec()));
        match streamed(input, most) {
            Ok((context, book)) => {
                let (c, b) = whole.unwrap_or_else(|e| {
                    panic!("{e}: {}", String::from_utf8_lossy(input));
                });
                assert_eq!(context, c);
                assert_eq!(book.shape, b.shape);
                assert_eq!(written(&book), written(&b));
            }
            Err(w) => assert_eq!(w, input),
        }
    }

    /// Strings and escapes that look like structure, in the context, in
    /// items and in other members, read a byte at a time and at once, and
    /// every prefix of them.
    #[test]
    fn structure_inside_strings_is_not_structure() {
        for input in [
            r#" [ {"root":"/b","config":{"a":[1,"]}"]}} , {"items": [ {"Chapter":{"name":"N","content":"x\"]}\\","sub_items":[],"path":"a.md"}} , "Separator",{"PartTitle":"P"} ] } ] "#,
            r#"[{"a":"\\\"[{"},{"items":[{"Chapter":{"name":"N","content":"\u00e9","sub_items":[]}},"Separator"],"x":[true,false,null,-1.5e3]}]"#,
            r#"[{},{"sections":[],"__non_exhaustive":null}]"#,
        ] {
            let b = input.as_bytes();
            assert!(streamed(b, 1).is_ok(), "{input}");
            for most in [1, 4, 1 << 20] {
                agrees(b, most);
            }
            for cut in 0..b.len() {
                agrees(&b[..cut], 2);
            }
        }
    }

    #[test]
    fn the_stream_reads_what_the_whole_parse_reads() {
        for (i, input) in sample_inputs(400).iter().enumerate() {
            let most = [1, 3, 64, 1 << 20][i % 4];
            assert!(streamed(input.as_bytes(), most).is_ok(), "{input}");
            agrees(input.as_bytes(), most);
        }
    }

    /// Inputs not of the expected shape, or not JSON.
    const UNEXPECTED: &[&str] = &[
        "",
        "[",
        "[{}]",
        "[{},{}]",
        r#"[{},{"items":[]},1]"#,
        r#"[{},{"items":[]}] x"#,
        r#"[{},{"items":[],"sections":[]}]"#,
        r#"[{},{"items":[],"items":[]}]"#,
        r#"[{},{"it\u0065ms":[]}]"#,
        r#"[{},{"items":null}]"#,
        r#"[{},{"items":[{"a":"b}]}]"#,
        r#"[{},{"items":[1 2]}]"#,
        r#"[{},{"other":1}]"#,
        "[{},{\"items\":[\"\\",
    ];

    #[test]
    fn what_it_does_not_expect_comes_back_whole() {
        let more = [
            "[{} {}]",
            r#"[{},{"items":[1]}]"#,
            r#"[{},{"items":["Separator",]}]"#,
            r#"[{},{"items":[{"Chapter":1}]}]"#,
            r#"[{},{"items":[],"x":nul}]"#,
            r#"[{},{"items":[],"x\u0000":null}]"#,
            r#"[{"root":1},{"items":[]}]"#,
        ];
        for s in UNEXPECTED.iter().chain(&more) {
            for most in [1, 2, 5, 1 << 20] {
                assert_eq!(
                    streamed(s.as_bytes(), most).err().as_deref(),
                    Some(s.as_bytes()),
                    "{s}"
                );
            }
        }
    }

    /// What the whole parse refuses, the stream gives back whole: a key of
    /// the book that nothing reads must still be a JSON string, its value
    /// JSON, the context a context.
    #[test]
    fn what_the_whole_parse_refuses_comes_back_whole() {
        for bad in [
            &b"[{},{\"a\x01b\":null,\"items\":[]}]"[..],
            &b"[{},{\"a\xffb\":null,\"items\":[]}]"[..],
            &b"[{},{\"items\":[],\"x\":nul}]"[..],
            &b"[{\"root\":1},{\"items\":[]}]"[..],
        ] {
            assert!(parse_input_raw(&Arc::new(bad.to_vec())).is_err());
            for most in [1, 3, 1 << 20] {
                assert_eq!(
                    streamed(bad, most).err().as_deref(),
                    Some(bad),
                    "{}",
                    String::from_utf8_lossy(bad)
                );
            }
        }
    }

    #[test]
    fn any_prefix_or_damage_reads_as_the_whole_parse_does() {
        let inputs = sample_inputs(12);
        for input in &inputs {
            let b = input.as_bytes();
            for cut in 0..b.len() {
                agrees(&b[..cut], 1 + cut % 7);
            }
            for at in (0..b.len()).step_by(3) {
                for byte in [b'"', b'\\', b'[', b']', b'{', b'}', b',', b' ', b'x'] {
                    let mut damaged = b.to_vec();
                    damaged[at] = byte;
                    agrees(&damaged, 1 + at % 5);
                }
            }
        }
    }

    #[test]
    fn a_large_part_arriving_slowly_is_handed_out_once() {
        let text = "a \\\"b\\\" ".repeat(200_000);
        let input = format!(
            r#"[{{}},{{"items":[{{"Chapter":{{"name":"N","content":"{text}","sub_items":[],"path":"a.md"}}}},"Separator"]}}]"#
        );
        let (_, book) = streamed(input.as_bytes(), 4096).unwrap();
        assert_eq!(book.items.len(), 2);
        assert_eq!(
            book.chapters()[0].content.decode().unwrap().len(),
            text.len() - 2 * 200_000
        );
    }
}
