//! The top-k heap of `(log-probability, label)` pairs, with the exact moves
//! of libstdc++'s `std::push_heap`, `std::pop_heap` and `std::sort_heap`
//! (bits/stl_heap.h) under fastText's `comparePairs` (`l.first > r.first`).
//!
//! Labels with equal scores come out in the order those algorithms leave
//! them, which a plain sort would not reproduce; ties are rare, but a tie
//! decides the top label.

/// A candidate: log-probability and label index.
pub(crate) type Scored = (f32, i32);

/// `comparePairs`: "less" means a higher score, so the front is the lowest.
fn before(a: &Scored, b: &Scored) -> bool {
    a.0 > b.0
}

/// `std::__push_heap`: moves `value` up from `hole` towards `top`.
fn sift_up(heap: &mut [Scored], mut hole: usize, top: usize, value: Scored) {
    while hole > top {
        let parent = (hole - 1) / 2;
        if !before(&heap[parent], &value) {
            break;
        }
        heap[hole] = heap[parent];
        hole = parent;
    }
    heap[hole] = value;
}

/// `std::__adjust_heap`: moves the hole at `hole` down to a leaf, then
/// pushes `value` back up.
fn adjust(heap: &mut [Scored], mut hole: usize, len: usize, value: Scored) {
    let top = hole;
    let mut child = hole;
    while child < len.saturating_sub(1) / 2 {
        child = 2 * (child + 1);
        if before(&heap[child], &heap[child - 1]) {
            child -= 1;
        }
        heap[hole] = heap[child];
        hole = child;
    }
    if len.is_multiple_of(2) && len >= 2 && child == (len - 2) / 2 {
        child = 2 * (child + 1);
        heap[hole] = heap[child - 1];
        hole = child - 1;
    }
    sift_up(heap, hole, top, value);
}

/// `std::push_heap` after `push_back`.
pub(crate) fn push(heap: &mut Vec<Scored>, value: Scored) {
    heap.push(value);
    let last = heap.len() - 1;
    sift_up(heap, last, 0, value);
}

/// `std::pop_heap` then `pop_back`: removes the lowest score.
pub(crate) fn pop(heap: &mut Vec<Scored>) {
    let len = heap.len();
    if len > 1 {
        let value = heap[len - 1];
        heap[len - 1] = heap[0];
        adjust(heap, 0, len - 1, value);
    }
    heap.pop();
}

/// `std::sort_heap`: best score first.
pub(crate) fn sort(heap: &mut [Scored]) {
    let mut len = heap.len();
    while len > 1 {
        len -= 1;
        let value = heap[len];
        heap[len] = heap[0];
        adjust(heap, 0, len, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_k_best_sorted() {
        let mut heap = Vec::new();
        for (i, score) in [0.1, -3.0, 2.5, 0.7, -0.2, 9.0, 0.7].into_iter().enumerate() {
            push(&mut heap, (score, i as i32));
            if heap.len() > 3 {
                pop(&mut heap);
            }
        }
        sort(&mut heap);
        let scores: Vec<f32> = heap.iter().map(|p| p.0).collect();
        assert_eq!(scores, [9.0, 2.5, 0.7]);
    }

    #[test]
    fn orders_ties_like_libstdcxx() {
        // Recorded from g++ 12 / libstdc++: push_heap for each of the pairs
        // below, then sort_heap, with comparePairs.
        let mut heap = Vec::new();
        for (i, score) in [1.0, 1.0, 0.5, 1.0, 0.5, 1.0].into_iter().enumerate() {
            push(&mut heap, (score, i as i32));
        }
        sort(&mut heap);
        let labels: Vec<i32> = heap.iter().map(|p| p.1).collect();
        assert_eq!(labels, LIBSTDCXX_TIE_ORDER);
    }

    const LIBSTDCXX_TIE_ORDER: [i32; 6] = [3, 1, 5, 0, 4, 2];

    #[test]
    fn bounded_heap_keeps_ties_like_fasttext() {
        // fastText's findKBest with k = 3; g++ 12 gives labels 7, 0, 5.
        let mut heap: Vec<Scored> = Vec::new();
        for (i, score) in [1.0, 0.5, 1.0, 1.0, 0.25, 1.0, 0.5, 1.0].into_iter().enumerate() {
            if heap.len() == 3 && score < heap[0].0 {
                continue;
            }
            push(&mut heap, (score, i as i32));
            if heap.len() > 3 {
                pop(&mut heap);
            }
        }
        sort(&mut heap);
        let labels: Vec<i32> = heap.iter().map(|p| p.1).collect();
        assert_eq!(labels, [7, 0, 5]);
    }
}
