//! A bounded cache keyed by script text: what was read from recently seen scripts, found
//! again by a hash of the text (a long file has hundreds of RUN scripts, and every rule asks
//! for each of them), the oldest entry leaving first when it is full.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// How many recently read scripts each cache keeps: more than the RUN scripts of nearly any
/// Dockerfile, so that every rule after the first, and the next check after an edit, find
/// them.
pub(super) const CAPACITY: usize = 256;

/// Values read from scripts, by the scripts' text. One text may have several values (the
/// same script at places of different shapes); they are told apart by the caller.
pub(super) struct ByText<V> {
    buckets: HashMap<u64, Vec<(String, V)>, BuildHasherDefault<DefaultHasher>>,
    /// The hash of each entry, oldest first.
    order: VecDeque<u64>,
}

fn hash(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

impl<V> ByText<V> {
    /// An empty cache; `const`, so that a thread-local one needs no lazy set-up.
    pub(super) const fn new() -> Self {
        ByText {
            buckets: HashMap::with_hasher(BuildHasherDefault::new()),
            order: VecDeque::new(),
        }
    }

    /// The first value kept for `text` that `wanted` accepts.
    pub(super) fn find_mut(&mut self, text: &str, wanted: impl Fn(&V) -> bool) -> Option<&mut V> {
        self.buckets
            .get_mut(&hash(text))?
            .iter_mut()
            .find(|(t, v)| t == text && wanted(v))
            .map(|(_, v)| v)
    }

    /// Keeps `value` for `text`, forgetting the oldest entry when the cache is full.
    pub(super) fn insert(&mut self, text: String, value: V) {
        if self.order.len() >= CAPACITY
            && let Some(oldest) = self.order.pop_front()
            && let Some(bucket) = self.buckets.get_mut(&oldest)
        {
            // Entries of a bucket are in insertion order: its first one is the oldest.
            bucket.remove(0);
            if bucket.is_empty() {
                self.buckets.remove(&oldest);
            }
        }
        let key = hash(&text);
        self.order.push_back(key);
        self.buckets.entry(key).or_default().push((text, value));
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.buckets.values().map(Vec::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_by_text_and_predicate() {
        let mut cache = ByText::new();
        cache.insert("echo a".to_string(), 1);
        cache.insert("echo a".to_string(), 2);
        cache.insert("echo b".to_string(), 3);
        assert_eq!(cache.find_mut("echo a", |_| true).copied(), Some(1));
        assert_eq!(cache.find_mut("echo a", |v| *v == 2).copied(), Some(2));
        assert_eq!(cache.find_mut("echo b", |v| *v == 2).copied(), None);
        assert_eq!(cache.find_mut("echo c", |_| true).copied(), None);
        *cache.find_mut("echo b", |_| true).unwrap() = 4;
        assert_eq!(cache.find_mut("echo b", |_| true).copied(), Some(4));
    }

    #[test]
    fn forgets_the_oldest_when_full() {
        let mut cache = ByText::new();
        for i in 0..CAPACITY {
            cache.insert(format!("script {i}"), i);
        }
        cache.insert("script 0".to_string(), CAPACITY);
        assert_eq!(cache.len(), CAPACITY);
        // The first "script 0" left; the one just inserted stays.
        assert_eq!(
            cache.find_mut("script 0", |_| true).copied(),
            Some(CAPACITY)
        );
        cache.insert("another".to_string(), 0);
        assert_eq!(cache.find_mut("script 1", |_| true), None);
        assert_eq!(cache.find_mut("script 2", |_| true).copied(), Some(2));
        assert_eq!(cache.len(), CAPACITY);
    }
}
