"""Microsoft Teams: the flows as Adaptive Cards, through the Microsoft 365 Agents SDK."""
