"""What the test-mode routes (`/apitest/...`) do beyond the plugin API."""
