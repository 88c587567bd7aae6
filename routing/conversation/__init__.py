"""One resident event handled in one transaction: the use case every transport calls."""
