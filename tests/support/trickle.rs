//! A reader that gives at most `most` bytes a read, for input that arrives
//! in pieces: for `tests/stream_run.rs` and `fuzz/fuzz_targets/stream.rs`
//! (the stream's unit tests, inside the library, keep one of their own).

use std::io::Read;

pub struct Trickle<'a> {
    pub rest: &'a [u8],
    pub most: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.most.min(buf.len()).min(self.rest.len());
        buf[..n].copy_from_slice(&self.rest[..n]);
        self.rest = &self.rest[n..];
        Ok(n)
    }
}
