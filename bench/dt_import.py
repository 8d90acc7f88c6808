"""Imports datatrove's MinHash blocks without the `tokenizers` package.

datatrove 0.10.1's `pipeline/dedup/__init__.py` imports the exact-substring blocks, which import
`tokenizers.processors` at module level; MinHash never uses it. A stub module lets the import succeed
when `tokenizers` is not installed (it is not pinned in bench/requirements.txt).

datatrove also pins `xxhash<4`; see below.
"""

import os
import sys
import types

# datatrove 0.10.1 requires `xxhash<4` (its `processing` extra) and hashes `str` shingles, which xxhash 4
# refuses. bench/setup.sh installs xxhash 3.6.0 into bench/.venv-xxhash3 (pip --target) for these scripts,
# leaving the shared venv's xxhash 4 to rensa and datasketch.
_XXHASH3 = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".venv-xxhash3")
if os.path.isdir(_XXHASH3):
    sys.path.insert(0, _XXHASH3)

try:
    import tokenizers.processors  # noqa: F401
except ImportError:
    stub = types.ModuleType("tokenizers")
    processors = types.ModuleType("tokenizers.processors")
    processors.TemplateProcessing = object
    stub.processors = processors
    stub.Tokenizer = object
    sys.modules["tokenizers"] = stub
    sys.modules["tokenizers.processors"] = processors

from datatrove.pipeline.dedup.minhash import (  # noqa: E402,F401
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.utils.hashing import HashConfig  # noqa: E402,F401
from datatrove.utils.text import simplify_text  # noqa: E402,F401
