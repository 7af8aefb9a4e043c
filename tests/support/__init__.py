"""Helpers the tests share: worlds of users and reports, throwaway databases, DOCX reading."""
