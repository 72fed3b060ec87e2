"""The admin of practice examples: coordinators review, publish or send back."""
