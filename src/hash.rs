//! Hash maps and sets with foldhash, a fast hasher seeded at random for
//! each run: the keys hashed here (IDs, paths, heading keys) are short,
//! and the standard library's SipHash costs more than the lookups. The
//! seed keeps a book from choosing keys that collide.

/// A [`std::collections::HashMap`] with foldhash.
pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A [`std::collections::HashSet`] with foldhash.
pub type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;
