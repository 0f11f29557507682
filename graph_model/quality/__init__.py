"""The data-quality report (`hub quality`, the API's `dataQuality`): probable duplicates, incomplete
records, unlicensed offers and dates out of range, each with the records involved and a fix."""
