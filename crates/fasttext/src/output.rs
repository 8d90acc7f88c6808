//! From the hidden vector to the k best labels, per loss (fastText's
//! `loss.cc`: `SoftmaxLoss`, `HierarchicalSoftmaxLoss`, `OneVsAllLoss`,
//! `NegativeSamplingLoss`, and `Loss::findKBest`).
//!
//! Each formula mixes `float` and `double` exactly as the C++ does; the
//! comments say where a value is widened or narrowed.

use crate::format::Loss;
use crate::heap::{self, Scored};
use crate::matrix::Matrix;

/// `std_log`: `std::log(x + 1e-5)` with `x` a `float`, computed in `double`
/// and narrowed back.
fn std_log(x: f32) -> f32 {
    (f64::from(x) + 1e-5).ln() as f32
}

/// How a model turns scores into probabilities.
pub(crate) enum Output {
    /// One probability per label, normalised together.
    Softmax,
    /// An independent sigmoid per label (`ova`, and `ns` classifiers).
    Sigmoid(SigmoidTable),
    /// A binary tree over the labels, built from their training counts.
    Tree(Vec<Node>),
}

impl Output {
    pub fn new(loss: Loss, label_counts: &[i64]) -> Self {
        match loss {
            Loss::Softmax => Output::Softmax,
            Loss::OneVsAll | Loss::NegativeSampling => Output::Sigmoid(SigmoidTable::new()),
            Loss::HierarchicalSoftmax => Output::Tree(build_tree(label_counts)),
        }
    }

    /// The `k` best `(log-probability, label)` pairs above `threshold`,
    /// best first. `scores` is scratch space of one `f32` per label.
    pub fn predict(
        &self,
        k: usize,
        threshold: f32,
        hidden: &[f32],
        matrix: &Matrix,
        scores: &mut Vec<f32>,
        best: &mut Vec<Scored>,
    ) {
        best.clear();
        match self {
            Output::Softmax => {
                softmax(hidden, matrix, scores);
                find_k_best(k, threshold, scores, best);
            }
            Output::Sigmoid(table) => {
                scores.clear();
                scores.extend((0..matrix.rows()).map(|i| table.sigmoid(matrix.dot_row(hidden, i))));
                find_k_best(k, threshold, scores, best);
            }
            Output::Tree(tree) => tree_search(tree, k, threshold, hidden, matrix, best),
        }
        heap::sort(best);
    }
}

/// `SoftmaxLoss::computeOutput`. The exponential is the C library's `exp`
/// on a `double` (the unqualified `exp` of `<cmath>` in the global
/// namespace), stored back as `float`.
fn softmax(hidden: &[f32], matrix: &Matrix, scores: &mut Vec<f32>) {
    scores.clear();
    scores.extend((0..matrix.rows()).map(|i| matrix.dot_row(hidden, i)));
    let Some(&first) = scores.first() else { return };
    let max = scores.iter().fold(first, |max, &s| if s > max { s } else { max });
    let mut sum = 0.0f32;
    for s in scores.iter_mut() {
        *s = f64::from(*s - max).exp() as f32;
        sum += *s;
    }
    for s in scores.iter_mut() {
        *s /= sum;
    }
}

/// `Loss::findKBest`.
fn find_k_best(k: usize, threshold: f32, scores: &[f32], best: &mut Vec<Scored>) {
    for (i, &score) in scores.iter().enumerate() {
        if score < threshold {
            continue;
        }
        let log = std_log(score);
        if best.len() == k && log < best[0].0 {
            continue;
        }
        heap::push(best, (log, i as i32));
        if best.len() > k {
            heap::pop(best);
        }
    }
}

/// fastText's sigmoid lookup table (`t_sigmoid_`, 512 steps over [-8, 8]),
/// which one-vs-all and negative-sampling classifiers use at prediction too.
pub(crate) struct SigmoidTable(Vec<f32>);

const SIGMOID_TABLE_SIZE: i64 = 512;
const MAX_SIGMOID: i64 = 8;

impl SigmoidTable {
    fn new() -> Self {
        SigmoidTable(
            (0..=SIGMOID_TABLE_SIZE)
                .map(|i| {
                    // real(i * 2 * MAX_SIGMOID) / SIGMOID_TABLE_SIZE - MAX_SIGMOID, in float;
                    // std::exp(float), then 1.0 / (1.0 + e) in double.
                    let x = (i * 2 * MAX_SIGMOID) as f32 / SIGMOID_TABLE_SIZE as f32 - MAX_SIGMOID as f32;
                    (1.0 / (1.0 + f64::from((-x).exp()))) as f32
                })
                .collect(),
        )
    }

    /// `Loss::sigmoid`.
    fn sigmoid(&self, x: f32) -> f32 {
        if x < -(MAX_SIGMOID as f32) {
            0.0
        } else if x > MAX_SIGMOID as f32 {
            1.0
        } else {
            let i = ((x + MAX_SIGMOID as f32) * SIGMOID_TABLE_SIZE as f32 / MAX_SIGMOID as f32 / 2.0) as usize;
            self.0[i]
        }
    }
}

/// A node of the hierarchical-softmax tree; leaves are the labels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node {
    left: i32,
    right: i32,
}

/// `HierarchicalSoftmaxLoss::buildTree`: a Huffman tree over the labels'
/// counts (labels arrive sorted by decreasing count), merging the two
/// smallest of the remaining leaves and inner nodes at each step.
///
/// fastText compares a leaf with the next inner node even when that node is
/// not built yet (its weight is then the 10^15 placeholder), so a count of
/// 10^15 or more, which only a damaged file holds, makes it pick a node that
/// does not exist: an out-of-bounds read in C++, and here an index past the
/// end or a node that is its own child (found by fuzzing). A node not built
/// yet is never picked; for counts below 10^15 the tree is fastText's.
fn build_tree(counts: &[i64]) -> Vec<Node> {
    let n = counts.len();
    if n == 0 {
        return Vec::new();
    }
    let mut nodes = vec![Node { left: -1, right: -1 }; 2 * n - 1];
    let mut weight = vec![1e15 as i64; 2 * n - 1];
    weight[..n].copy_from_slice(counts);
    let mut leaf = n as i64 - 1;
    let mut inner = n;
    for i in n..2 * n - 1 {
        let mut pick = [0usize; 2];
        for slot in &mut pick {
            if leaf >= 0 && (inner == i || weight[leaf as usize] < weight[inner]) {
                *slot = leaf as usize;
                leaf -= 1;
            } else {
                *slot = inner;
                inner += 1;
            }
        }
        nodes[i] = Node {
            left: pick[0] as i32,
            right: pick[1] as i32,
        };
        weight[i] = weight[pick[0]].saturating_add(weight[pick[1]]);
    }
    nodes
}

/// `HierarchicalSoftmaxLoss::dfs`, with an explicit stack (a skewed tree
/// from a hostile file must not overflow the thread's stack) visiting nodes
/// in the same order, so ties resolve the same way.
fn tree_search(tree: &[Node], k: usize, threshold: f32, hidden: &[f32], matrix: &Matrix, best: &mut Vec<Scored>) {
    let Some(root) = tree.len().checked_sub(1) else { return };
    let labels = tree.len().div_ceil(2);
    let floor = std_log(threshold);
    let mut stack = vec![(root, 0.0f32)];
    while let Some((node, score)) = stack.pop() {
        if score < floor || (best.len() == k && score < best[0].0) {
            continue;
        }
        let Node { left, right } = tree[node];
        if left == -1 && right == -1 {
            heap::push(best, (score, node as i32));
            if best.len() > k {
                heap::pop(best);
            }
            continue;
        }
        // f = 1. / (1 + std::exp(-f)): float exp, float `1 +`, double division.
        let f = matrix.dot_row(hidden, node - labels);
        let f = (1.0 / f64::from(1.0 + (-f).exp())) as f32;
        // std_log(1.0 - f): the difference is a double narrowed to the float
        // parameter.
        let left_score = score + std_log((1.0 - f64::from(f)) as f32);
        let right_score = score + std_log(f);
        stack.push((right as usize, right_score));
        stack.push((left as usize, left_score));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_merges_smallest_first() {
        // Counts 5, 3, 1: leaves 2 and 1 merge first (weight 4), then that
        // node, the smaller, with leaf 0.
        let tree = build_tree(&[5, 3, 1]);
        assert_eq!((tree[3].left, tree[3].right), (2, 1));
        assert_eq!((tree[4].left, tree[4].right), (3, 0));
    }

    #[test]
    fn huge_counts_still_make_a_tree() {
        // Counts at or above the 10^15 placeholder, unsorted (a damaged model).
        let tree = build_tree(&[133, 6, 0x0200_0000_0000_0007]);
        assert_eq!((tree[3].left, tree[3].right), (2, 1));
        assert_eq!((tree[4].left, tree[4].right), (0, 3));
        let tree = build_tree(&[2e15 as i64, 2e15 as i64]);
        assert_eq!((tree[2].left, tree[2].right), (1, 0));
    }

    #[test]
    fn sigmoid_table_saturates_and_is_monotonic() {
        let table = SigmoidTable::new();
        assert_eq!(table.sigmoid(-9.0), 0.0);
        assert_eq!(table.sigmoid(9.0), 1.0);
        assert!((table.sigmoid(0.0) - 0.5).abs() < 0.01);
        assert!(table.0.windows(2).all(|w| w[0] <= w[1]));
    }
}
