from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render

from . import selectors


@login_required
def categories(request):
    query = request.GET.get("q", "")
    results = (
        selectors.search_categories(query=query, limit=200)
        if query
        else selectors.search_categories(query="", limit=None).filter(level=1)
    )
    return render(request, "taxonomy/categories.html", {"query": query, "categories": results})


@login_required
def category_autocomplete(request):
    results = selectors.search_categories(query=request.GET.get("q", ""), limit=20)
    return JsonResponse([{"code": c.code, "name": c.name} for c in results], safe=False)
