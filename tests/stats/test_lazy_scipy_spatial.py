"""``scipy.spatial`` (slow to import) loads only when a method that needs it runs (issue #9)."""

from __future__ import annotations

import subprocess
import sys


def test_building_an_assessment_needs_no_scipy_spatial_until_a_method_uses_it() -> None:
    probe = (
        "import sys\n"
        "import saferplaces.assessment.build\n"
        "from saferplaces.stats import rate, change, hotspot_gistar\n"
        "before = 'scipy.spatial' in sys.modules\n"
        "from saferplaces.stats import hotspot_kde\n"
        "import numpy as np\n"
        "hotspot_kde(np.array([[0.0, 0.0], [10.0, 5.0], [3.0, 4.0]]), bandwidth=50, cell_size=10)\n"
        "print(before, 'scipy.spatial' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]
