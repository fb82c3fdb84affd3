"""saleshealth: sales-organization health assessments."""

import os

# Scoring's bootstrap uses small matrix products (a few hundred by a thousand).  OpenBLAS
# would split each over a spinning thread pool, which on a busy two-core server running
# several workers makes them about three times slower, not faster.  One BLAS thread per
# process unless the deployment says otherwise; this must run before numpy is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
