"""numeric: the closed forms of ``derive`` against JAX autodiff, in float64."""
