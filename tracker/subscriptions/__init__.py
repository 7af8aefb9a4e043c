"""E-mail subscriptions for the public: a plan, an area, a unit or a measure
(docs/subscriptions.md)."""
