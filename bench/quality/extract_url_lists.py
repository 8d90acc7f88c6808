"""Copy datatrove 0.10.1's URL-filter lists out of the installed wheel into a directory for tamis's
`url_filter` (`lists_dir`): `domains` and `urls` from `assets/url_filterblacklistsv0_3_0.tar.gz` (UT1
block lists, CC BY-SA 4.0), and `banned_words.txt`, `banned_subwords.txt`, `soft_banned_words.txt`.
Not committed: users bring their own copy.

Usage: python bench/quality/extract_url_lists.py OUT_DIR
"""

import os
import shutil
import sys
import tarfile

from datatrove.utils._import_utils import ASSETS_PATH


def main() -> None:
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with tarfile.open(os.path.join(ASSETS_PATH, "url_filterblacklistsv0_3_0.tar.gz"), "r:gz") as tar:
        tar.extractall(out, filter="data")
    for name in ["banned_words.txt", "banned_subwords.txt", "soft_banned_words.txt"]:
        shutil.copy(os.path.join(ASSETS_PATH, name), os.path.join(out, name))
    print("lists in", out, sorted(os.listdir(out)))


if __name__ == "__main__":
    main()
