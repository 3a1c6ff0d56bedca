"""The audit trail: who changed what in a partnership's data, when, and what it was before and after."""
