//! Inflating a gzip member held whole in memory, with libdeflate.
//!
//! A Common Crawl WARC is one gzip member per record, tens of KiB each: small
//! enough to hold whole. libdeflate decompresses a buffer it holds whole with
//! about 2.6× fewer instructions than streaming it through zlib-rs (callgrind,
//! 1,500 members of the chain benchmark's WARC: 346 M against 905 M), because
//! it need not keep a window or stop at buffer edges. It checks the member's
//! CRC-32 and length as flate2 does. Whatever it cannot take whole (a member
//! longer than the buffers, a corrupt or truncated one) is streamed by flate2
//! as before, from the member's start, so errors and recovery are unchanged,
//! with one exception: libdeflate accepts a few codes that RFC 1951 rules out
//! and zlib rejects (length codes 286–287, distance codes 30–31), so a member
//! using them whose CRC-32 and length match is read here without an error,
//! and would be an error if streamed. No encoder writes them; the CRC still
//! vouches for the bytes (found reading libdeflate's source for the fuzz
//! target `gzip_diff`; docs/hardening.md, session 13).

use libdeflate_sys::{
    libdeflate_alloc_decompressor, libdeflate_decompressor, libdeflate_free_decompressor,
    libdeflate_gzip_decompress_ex, libdeflate_result_LIBDEFLATE_INSUFFICIENT_SPACE,
    libdeflate_result_LIBDEFLATE_SUCCESS,
};
use std::ptr::NonNull;

/// Why a member was not inflated whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NotWhole {
    /// Its output does not fit in the space given.
    NoRoom,
    /// Not a whole valid member: corrupt, cut short, or longer than the input given.
    Invalid,
}

/// A libdeflate decompressor (its tables are allocated once and reused).
pub(crate) struct WholeInflater(NonNull<libdeflate_decompressor>);

// SAFETY: the decompressor is plain memory owned by this value and used only
// through `&mut self`.
unsafe impl Send for WholeInflater {}

impl WholeInflater {
    pub(crate) fn new() -> Self {
        // SAFETY: no preconditions; a null return (out of memory) is checked.
        let raw = unsafe { libdeflate_alloc_decompressor() };
        WholeInflater(NonNull::new(raw).expect("libdeflate could not allocate its decompressor"))
    }

    /// Inflates the gzip member at the start of `input` into `out`. Gives how
    /// many bytes of `input` the member took and how many it wrote.
    pub(crate) fn inflate(&mut self, input: &[u8], out: &mut [u8]) -> Result<(usize, usize), NotWhole> {
        let (mut taken, mut written) = (0usize, 0usize);
        // SAFETY: the pointers and lengths are those of two live, distinct
        // slices; libdeflate reads at most `input.len()` bytes, writes at most
        // `out.len()`, and sets the two counts on success.
        let result = unsafe {
            libdeflate_gzip_decompress_ex(
                self.0.as_ptr(),
                input.as_ptr().cast(),
                input.len(),
                out.as_mut_ptr().cast(),
                out.len(),
                &mut taken,
                &mut written,
            )
        };
        if result == libdeflate_result_LIBDEFLATE_SUCCESS {
            Ok((taken, written))
        } else if result == libdeflate_result_LIBDEFLATE_INSUFFICIENT_SPACE {
            Err(NotWhole::NoRoom)
        } else {
            Err(NotWhole::Invalid)
        }
    }
}

impl Drop for WholeInflater {
    fn drop(&mut self) {
        // SAFETY: allocated by `libdeflate_alloc_decompressor`, freed once.
        unsafe { libdeflate_free_decompressor(self.0.as_ptr()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn a_member_is_inflated_and_what_follows_it_is_left() {
        let text: Vec<u8> = (0..50_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        let member = gzip(&text);
        let input = [&member[..], &gzip(b"next")[..]].concat();
        let mut out = vec![0; text.len() + 10];
        let mut inflater = WholeInflater::new();
        assert_eq!(inflater.inflate(&input, &mut out), Ok((member.len(), text.len())));
        assert_eq!(&out[..text.len()], &text[..]);
        assert_eq!(
            inflater.inflate(&input, &mut out[..text.len() - 1]),
            Err(NotWhole::NoRoom)
        );
        assert_eq!(
            inflater.inflate(&member[..member.len() - 1], &mut out),
            Err(NotWhole::Invalid)
        );
        let mut corrupt = member.clone();
        let crc = corrupt.len() - 8;
        corrupt[crc] ^= 1;
        assert_eq!(inflater.inflate(&corrupt, &mut out), Err(NotWhole::Invalid));
    }
}
