//! Work spread over the machine's cores with scoped threads: records are independent, so
//! `check` and `status` split them in contiguous chunks and keep the results in order.

/// Map `items` on all cores, in order. Each worker first makes its own state with `init` (for
/// what cannot be shared between threads, such as a git repository handle).
pub fn map<T, S, R>(
    items: &[T],
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    chunks(items, 16, |part| {
        let mut state = init();
        part.iter().map(|x| f(&mut state, x)).collect::<Vec<R>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

/// Split `items` into one contiguous stretch per core (at most `max_threads`) and run `f` on
/// each stretch in its own thread; the results, in order. For work where each item builds on
/// the one before it (a commit's parent tree, read once, is the next commit's).
pub fn chunks<T, R>(items: &[T], max_threads: usize, f: impl Fn(&[T]) -> R + Sync) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, max_threads.max(1))
        .min(items.len().max(1));
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                let f = &f;
                s.spawn(move || f(part))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_order_of_the_items() {
        let items: Vec<u32> = (0..1000).collect();
        let out = super::map(
            &items,
            || 0u32,
            |calls, x| {
                *calls += 1;
                x * 2
            },
        );
        assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
    }
}
