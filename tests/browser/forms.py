def fill_section(page, section, values):
    """Fill one step of the application form by its input names, selects included."""
    for name, value in values.items():
        field = page.locator(f'[name="{section}-{name}"]')
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
