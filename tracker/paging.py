"""Long lists in pages: the count of pages that the pager macro (``pager`` in
templates/public/_measures.html) reads beside a page's ``number``."""


class Paged:
    """For a page's dataclass with ``total`` (items on every page together), ``number`` (this
    page's, from 1) and ``size``."""

    total: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))
