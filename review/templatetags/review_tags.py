from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(str(key)) if hasattr(mapping, "get") else None
    except (AttributeError, TypeError):
        return None
