"""Tests of the Microsoft Teams channel (bot/teams/)."""
