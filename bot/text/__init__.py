"""What people read: the gettext catalogs, the Jinja2 templates of Telegram HTML, and dates,
numbers and names by CLDR in the reader's language."""
