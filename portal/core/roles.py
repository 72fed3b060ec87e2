"""The names of the portal's roles, known to the kernel so that access rules can name them.

A role is a Django group of the same name; which permissions each holds, and the service that
grants one, belong to the accounts app (`portal.accounts.roles`), which imports these names.
"""

INTEGRATION_OFFICER = "integration_officer"
ADVISOR = "advisor"
COORDINATOR = "coordinator"
ROLES = (INTEGRATION_OFFICER, ADVISOR, COORDINATOR)
