"""Pages outside the console and the API: the customer pages behind signed links and the staff calendar feeds
(docs/customer-links.md). Plain Django views and templates; every write goes through the services."""
