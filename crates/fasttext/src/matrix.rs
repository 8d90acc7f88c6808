//! The input and output matrices, dense or product-quantized
//! (`DenseMatrix`, `QuantMatrix`, `ProductQuantizer`).
//!
//! Arithmetic is `f32` throughout and in the reference's order, so sums round
//! the same way: a row is added element by element, a dot product accumulates
//! from the first column, a quantized row is scaled by its norm per element
//! when added but once at the end of a dot product.

use crate::format::{LoadError, ModelReader};
use std::io::Read;

/// Centroids per sub-quantizer (`ksub_`, 2^8: codes are bytes).
const CENTROIDS: usize = 256;

pub(crate) enum Matrix {
    Dense {
        rows: usize,
        cols: usize,
        data: Vec<f32>,
    },
    Quantized {
        rows: usize,
        codes: Vec<u8>,
        quantizer: ProductQuantizer,
        /// Each row's norm, itself quantized to one of 256 values.
        norms: Option<(Vec<u8>, ProductQuantizer)>,
        /// The same centroids laid out for [`Matrix::add_rows`] when every
        /// slice has two columns (fastText's default `dsub`, as in
        /// `lid.176.ftz`).
        paired: Option<Box<Paired>>,
    },
}

impl Matrix {
    pub fn load_dense<R: Read>(reader: &mut ModelReader<R>, part: &'static str) -> Result<Self, LoadError> {
        let rows = reader.i64(part)?;
        let cols = reader.i64(part)?;
        let rows = reader.count(rows, "row count")?;
        let cols = reader.count(cols, "column count")?;
        let len = rows
            .checked_mul(cols)
            .ok_or_else(|| LoadError::Invalid(format!("{rows}×{cols} matrix")))?;
        let data = reader.f32_vec(len, part)?;
        Ok(Matrix::Dense { rows, cols, data })
    }

    pub fn load_quantized<R: Read>(reader: &mut ModelReader<R>, part: &'static str) -> Result<Self, LoadError> {
        let quantized_norms = reader.bool(part)?;
        let rows = reader.i64(part)?;
        let cols = reader.i64(part)?;
        let code_len = reader.i32(part)?;
        let rows = reader.count(rows, "row count")?;
        let cols = reader.count(cols, "column count")?;
        let code_len = reader.count(code_len.into(), "code size")?;
        let codes = reader.byte_vec(code_len, part)?;
        let quantizer = ProductQuantizer::load(reader, part)?;
        if quantizer.dim != cols || Some(code_len) != rows.checked_mul(quantizer.subquantizers) {
            return Err(LoadError::Invalid(format!(
                "{part}: {code_len} codes of {} sub-quantizers for {rows}×{cols}",
                quantizer.subquantizers
            )));
        }
        let norms = if quantized_norms {
            let codes = reader.byte_vec(rows, part)?;
            let quantizer = ProductQuantizer::load(reader, part)?;
            if quantizer.dim != 1 {
                return Err(LoadError::Invalid(format!(
                    "{part}: norm quantizer of dimension {}",
                    quantizer.dim
                )));
            }
            Some((codes, quantizer))
        } else {
            None
        };
        let paired = Paired::new(&quantizer, norms.as_ref()).map(Box::new);
        Ok(Matrix::Quantized {
            rows,
            codes,
            quantizer,
            norms,
            paired,
        })
    }

    pub fn rows(&self) -> usize {
        match self {
            Matrix::Dense { rows, .. } | Matrix::Quantized { rows, .. } => *rows,
        }
    }

    pub fn cols(&self) -> usize {
        match self {
            Matrix::Dense { cols, .. } => *cols,
            Matrix::Quantized { quantizer, .. } => quantizer.dim,
        }
    }

    /// `x += row` (`addRowToVector`).
    pub fn add_row_to(&self, x: &mut [f32], row: usize) {
        match self {
            Matrix::Dense { cols, data, .. } => {
                for (xi, &v) in x.iter_mut().zip(&data[row * cols..(row + 1) * cols]) {
                    *xi += v;
                }
            }
            Matrix::Quantized {
                codes,
                quantizer,
                norms,
                ..
            } => {
                let norm = Self::norm(norms, row);
                quantizer.add_code(x, &codes[row * quantizer.subquantizers..], norm);
            }
        }
    }

    /// `x += row` for each of `rows` in turn: `computeHidden`'s sum, with the
    /// same float operations in the same order as [`Matrix::add_row_to`] per
    /// row. A quantized matrix of two-column slices keeps `x` in registers
    /// across rows and reads each centroid pair without bounds checks; this
    /// sum is most of a prediction's arithmetic.
    pub fn add_rows(&self, x: &mut [f32], rows: &[i32]) {
        if let Matrix::Quantized {
            codes,
            norms,
            paired: Some(paired),
            ..
        } = self
        {
            let norm_codes = norms.as_ref().map(|(norm_codes, _)| &norm_codes[..]);
            match paired.centroids.len() {
                8 => return paired.add_rows::<8>(x, codes, norm_codes, rows),
                16 => return paired.add_rows::<16>(x, codes, norm_codes, rows),
                32 => return paired.add_rows::<32>(x, codes, norm_codes, rows),
                _ => {}
            }
        }
        for &row in rows {
            self.add_row_to(x, row as usize);
        }
    }

    /// `row · x` (`dotRow`).
    pub fn dot_row(&self, x: &[f32], row: usize) -> f32 {
        match self {
            Matrix::Dense { cols, data, .. } => {
                let mut sum = 0.0f32;
                for (&v, &xi) in data[row * cols..(row + 1) * cols].iter().zip(x) {
                    sum += v * xi;
                }
                sum
            }
            Matrix::Quantized {
                codes,
                quantizer,
                norms,
                ..
            } => {
                let norm = Self::norm(norms, row);
                quantizer.dot_code(x, &codes[row * quantizer.subquantizers..]) * norm
            }
        }
    }

    fn norm(norms: &Option<(Vec<u8>, ProductQuantizer)>, row: usize) -> f32 {
        match norms {
            Some((codes, quantizer)) => quantizer.centroid(0, codes[row])[0],
            None => 1.0,
        }
    }
}

/// A quantizer whose slices all have two columns, laid out so that a code
/// byte indexes its centroid pair directly.
pub(crate) struct Paired {
    /// Centroid pairs per slice.
    centroids: Vec<[[f32; 2]; CENTROIDS]>,
    /// The 256 norms a row's norm code names, if the matrix has norms (the
    /// codes stay in the matrix).
    norms: Option<[f32; CENTROIDS]>,
}

impl Paired {
    fn new(quantizer: &ProductQuantizer, norms: Option<&(Vec<u8>, ProductQuantizer)>) -> Option<Self> {
        if quantizer.sub_dim != 2 || quantizer.last_sub_dim != 2 {
            return None;
        }
        let centroids = (0..quantizer.subquantizers)
            .map(|m| std::array::from_fn(|i| quantizer.centroid(m, i as u8).try_into().unwrap_or([0.0; 2])))
            .collect();
        let norms = norms.map(|(_, norm_quantizer)| std::array::from_fn(|i| norm_quantizer.centroid(0, i as u8)[0]));
        Some(Paired { centroids, norms })
    }

    /// [`Matrix::add_rows`] for `M` slices (`M = centroids.len()`): per
    /// element `x += norm * centroid`, row after row, as `addcode` does.
    fn add_rows<const M: usize>(&self, x: &mut [f32], codes: &[u8], norm_codes: Option<&[u8]>, rows: &[i32]) {
        let Ok(centroids) = <&[[[f32; 2]; CENTROIDS]; M]>::try_from(&self.centroids[..]) else {
            return;
        };
        let mut h = [[0.0f32; 2]; M];
        for (pair, xs) in h.iter_mut().zip(x.chunks_exact(2)) {
            *pair = [xs[0], xs[1]];
        }
        for &row in rows {
            let row = row as usize;
            let alpha = match (norm_codes, &self.norms) {
                (Some(norm_codes), Some(norms)) => norms[usize::from(norm_codes[row])],
                _ => 1.0,
            };
            let code: &[u8; M] = codes[row * M..row * M + M].try_into().expect("M code bytes");
            for ((pair, table), &c) in h.iter_mut().zip(centroids).zip(code) {
                let v = table[usize::from(c)];
                pair[0] += alpha * v[0];
                pair[1] += alpha * v[1];
            }
        }
        for (pair, xs) in h.iter().zip(x.chunks_exact_mut(2)) {
            xs.copy_from_slice(pair);
        }
    }
}

/// Splits a vector into `subquantizers` slices (the last may be shorter) and
/// stores each as the index of the nearest of 256 centroids (Jégou et al.
/// 2011, *Product quantization for nearest neighbor search*).
pub(crate) struct ProductQuantizer {
    dim: usize,
    subquantizers: usize,
    sub_dim: usize,
    last_sub_dim: usize,
    centroids: Vec<f32>,
}

impl ProductQuantizer {
    fn load<R: Read>(reader: &mut ModelReader<R>, part: &'static str) -> Result<Self, LoadError> {
        let mut field = |what| {
            let value = reader.i32(part)?;
            usize::try_from(value).map_err(|_| LoadError::Invalid(format!("{part}: {what} {value}")))
        };
        let dim = field("dimension")?;
        let subquantizers = field("sub-quantizer count")?;
        let sub_dim = field("sub-quantizer dimension")?;
        let last_sub_dim = field("last sub-quantizer dimension")?;
        // The layout fastText's constructor makes and `get_centroids`
        // assumes: every slice but the last has `sub_dim` columns, the last
        // 1 to `sub_dim`, and together they cover the vector. A damaged file
        // with empty slices would index an empty centroid (found by the
        // fuzzer: a norm quantizer of two sub-quantizers, the first empty).
        let covers = subquantizers > 0
            && sub_dim > 0
            && (1..=sub_dim).contains(&last_sub_dim)
            && (subquantizers - 1)
                .checked_mul(sub_dim)
                .and_then(|n| n.checked_add(last_sub_dim))
                == Some(dim);
        if !covers {
            return Err(LoadError::Invalid(format!(
                "{part}: {subquantizers} sub-quantizers of {sub_dim} (last {last_sub_dim}) for dimension {dim}"
            )));
        }
        let centroids = reader.f32_vec(dim * CENTROIDS, part)?;
        Ok(ProductQuantizer {
            dim,
            subquantizers,
            sub_dim,
            last_sub_dim,
            centroids,
        })
    }

    /// `get_centroids(m, i)`: centroid `i` of sub-quantizer `m`.
    fn centroid(&self, m: usize, i: u8) -> &[f32] {
        let i = usize::from(i);
        if m == self.subquantizers - 1 {
            let start = m * CENTROIDS * self.sub_dim + i * self.last_sub_dim;
            &self.centroids[start..start + self.last_sub_dim]
        } else {
            let start = (m * CENTROIDS + i) * self.sub_dim;
            &self.centroids[start..start + self.sub_dim]
        }
    }

    /// `addcode`: `x += alpha · decode(code)`, element by element.
    fn add_code(&self, x: &mut [f32], code: &[u8], alpha: f32) {
        for (m, &c) in code[..self.subquantizers].iter().enumerate() {
            let offset = m * self.sub_dim;
            for (xi, &v) in x[offset..].iter_mut().zip(self.centroid(m, c)) {
                *xi += alpha * v;
            }
        }
    }

    /// `mulcode` without its final scaling: `decode(code) · x`.
    fn dot_code(&self, x: &[f32], code: &[u8]) -> f32 {
        let mut sum = 0.0f32;
        for (m, &c) in code[..self.subquantizers].iter().enumerate() {
            let offset = m * self.sub_dim;
            for (&xi, &v) in x[offset..].iter().zip(self.centroid(m, c)) {
                sum += xi * v;
            }
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A quantized 1×1 matrix with quantized norms, whose norm quantizer has
    /// the layout given: `(sub-quantizers, sub dimension, last sub dimension)`.
    fn quantized_matrix(norm_layout: (i32, i32, i32)) -> Vec<u8> {
        let mut bytes = vec![1u8]; // quantized norms
        bytes.extend(1i64.to_le_bytes()); // rows
        bytes.extend(1i64.to_le_bytes()); // columns
        bytes.extend(1i32.to_le_bytes()); // code length
        bytes.push(0); // the row's code
        let quantizer = |bytes: &mut Vec<u8>, (n, sub, last): (i32, i32, i32)| {
            for field in [1, n, sub, last] {
                bytes.extend(field.to_le_bytes());
            }
            bytes.extend(std::iter::repeat_n(0u8, 4 * CENTROIDS));
        };
        quantizer(&mut bytes, (1, 1, 1));
        bytes.push(0); // the row's norm code
        quantizer(&mut bytes, norm_layout);
        bytes
    }

    #[test]
    fn a_quantizer_with_empty_slices_is_refused() {
        let load = |layout| Matrix::load_quantized(&mut ModelReader::new(&quantized_matrix(layout)[..]), "input");
        let matrix = load((1, 1, 1)).unwrap();
        let mut x = [0.0f32];
        matrix.add_row_to(&mut x, 0);
        assert!(matches!(load((2, 0, 1)), Err(LoadError::Invalid(_))));
        assert!(matches!(load((1, 1, 0)), Err(LoadError::Invalid(_))));
    }
}
