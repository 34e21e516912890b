"""The seeker's conversation: onboarding, commands, asking for jobs, feedback on pushes."""
