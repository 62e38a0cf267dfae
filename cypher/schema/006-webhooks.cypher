// Webhooks are found by id: by the API, and by each instance's deliverer as it takes and renews leases.
CREATE CONSTRAINT webhook_id IF NOT EXISTS FOR (w:Webhook) REQUIRE w.id IS UNIQUE;
